import DialerCore
import Foundation
import Testing

/// Checks `CronSchedule` against properties and against a brute-force oracle that runs ISC cron's main
/// loop (cron.c) once per UTC minute, reading local time with `Calendar` and knowing nothing of transitions.
@Suite struct CronPropertyTests {
    /// A local wall time as `Calendar` reports it.
    struct Local: Comparable {
        var year, month, day, hour, minute, weekday: Int

        static func < (lhs: Local, rhs: Local) -> Bool {
            (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute) < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute)
        }

        /// Minutes since 1970-01-01T00:00 on this wall clock: cron.c's `timeRunning`.
        var number: Int64 {
            (Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)) * 24 + Int64(hour)) * 60 + Int64(minute)
        }

        /// The wall time `number` minutes after 1970-01-01T00:00, which the clock may have skipped.
        init(number: Int64) {
            let (days, minute) = (number / 1440, number % 1440)
            let (year, month, day) = Timestamp.civil(fromDays: days)
            (self.year, self.month, self.day) = (Int(year), Int(month), Int(day))
            (hour, self.minute, weekday) = (Int(minute / 60), Int(minute % 60), Int((days + 4) % 7))
        }

        init(year: Int, month: Int, day: Int, hour: Int, minute: Int, weekday: Int) {
            (self.year, self.month, self.day, self.hour, self.minute, self.weekday) =
                (year, month, day, hour, minute, weekday)
        }
    }

    /// An expression with an independent reading of it.
    struct Job: Sendable {
        var expression: String
        var matches: @Sendable (Local) -> Bool

        /// ISC's fixed-time job: neither the minute nor the hour field starts with `*`.
        var isFixedTime: Bool { !expression.split(separator: " ").prefix(2).contains { $0.hasPrefix("*") } }
    }

    static let jobs: [Job] = [
        Job(expression: "30 * * * *") { $0.minute == 30 },
        Job(expression: "*/20 * * * *") { $0.minute % 20 == 0 },
        Job(expression: "0 * * * *") { $0.minute == 0 },
        Job(expression: "*/15 1-3 * * *") { $0.minute % 15 == 0 && (1...3).contains($0.hour) },
        Job(expression: "*/30 1 * * *") { $0.minute % 30 == 0 && $0.hour == 1 },
        Job(expression: "5,35 0-5 * * *") { [5, 35].contains($0.minute) && $0.hour <= 5 },
        Job(expression: "0 0,2,23 * * *") { $0.minute == 0 && [0, 2, 23].contains($0.hour) },
        Job(expression: "15,45 1 * * *") { [15, 45].contains($0.minute) && $0.hour == 1 },
        Job(expression: "0,20,40 2 * * *") { $0.minute % 20 == 0 && $0.hour == 2 },
        Job(expression: "10-50/20 2 * * *") { [10, 30, 50].contains($0.minute) && $0.hour == 2 },
        Job(expression: "0 1-3 * * *") { $0.minute == 0 && (1...3).contains($0.hour) },
        Job(expression: "30 2 * * *") { $0.hour == 2 && $0.minute == 30 },
        Job(expression: "45 1 * * *") { $0.hour == 1 && $0.minute == 45 },
        Job(expression: "0 3 * * *") { $0.hour == 3 && $0.minute == 0 },
        Job(expression: "15 2 * * *") { $0.hour == 2 && $0.minute == 15 },
        Job(expression: "0 0 * * *") { $0.hour == 0 && $0.minute == 0 },
        Job(expression: "0 23 * * *") { $0.hour == 23 && $0.minute == 0 },
        Job(expression: "0 2 * * SUN") { $0.hour == 2 && $0.minute == 0 && $0.weekday == 0 },
        Job(expression: "30 1 1,4-6 * SAT") {
            $0.hour == 1 && $0.minute == 30 && ([1, 4, 5, 6].contains($0.day) || $0.weekday == 6)
        },
    ]

    /// Three days around each 2026 transition of these zones (2011 for Apia), and three plain days in Kolkata.
    static let windows: [(zone: String, start: Int64)] = {
        var windows: [(String, Int64)] = [("Asia/Kolkata", 1_779_999_960)]
        let zones = [
            ("America/New_York", 2026), ("Australia/Lord_Howe", 2026), ("Pacific/Chatham", 2026),
            ("America/St_Johns", 2026), ("America/Santiago", 2026), ("Europe/London", 2026), ("Europe/Berlin", 2026),
            ("Pacific/Apia", 2011),
        ]
        for (name, year) in zones {
            let zone = TimeZone(identifier: name)!
            var date = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: .gmt, year: year).date!
            for _ in 0..<3 {
                guard let change = zone.nextDaylightSavingTimeTransition(after: date) else { break }
                windows.append((name, Int64(change.timeIntervalSince1970) - 36 * 3600))
                date = change
            }
        }
        return windows
    }()

    /// The minutes (as offsets into `wall`) at which ISC cron runs `job`, `wall[i]` being the wall clock
    /// when it wakes at the i-th UTC minute. cron.c compares the wall clock with the last minute it
    /// handled (`virtualTime`): one later runs everything; 2-5 later runs everything for each minute
    /// passed; up to 180 later (daylight saving starts) runs the wildcard jobs for now and the fixed-time
    /// jobs for each minute passed; 0-180 earlier (it ends) runs only the wildcard jobs, holding the
    /// fixed-time ones until the clock passes the last handled minute; further is a clock correction,
    /// which runs everything for now. A job found several times in one wake-up runs once here.
    static func iscRuns(_ job: Job, wall: [Local]) -> [Int] {
        var runs: [Int] = []
        var virtual = wall[0].number
        for step in 1..<wall.count {
            let now = wall[step].number
            let difference = now - virtual
            let passed = { (virtual + 1...max(virtual + 1, now)).map(Local.init(number:)) }
            var found: Bool
            if difference == 1 || !(-180...180).contains(difference) {
                found = job.matches(wall[step])
                virtual = now
            } else if difference > 5 {
                found =
                    !job.isFixedTime && job.matches(wall[step])
                    || job.isFixedTime && passed().contains(where: job.matches)
                virtual = now
            } else if difference > 0 {
                found = passed().contains(where: job.matches)
                virtual = now
            } else {
                found = !job.isFixedTime && job.matches(wall[step])
            }
            if found { runs.append(step) }
        }
        return runs
    }

    @Test(arguments: CronSchedule.DSTPolicy.allCases)
    func agreesWithMinuteByMinuteOracle(_ dst: CronSchedule.DSTPolicy) throws {
        for (name, start) in Self.windows {
            let zone = try #require(TimeZone(identifier: name))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let minutes = (0...72 * 60).map { step -> Local in
                let parts = calendar.dateComponents(
                    [.year, .month, .day, .hour, .minute, .weekday],
                    from: Date(timeIntervalSince1970: Double(start + Int64(step) * 60)))
                return Local(
                    year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!,
                    weekday: parts.weekday! - 1)
            }
            for job in Self.jobs {
                let steps =
                    dst == .wallClock
                    ? Self.iscRuns(job, wall: minutes) : (1..<minutes.count).filter { job.matches(minutes[$0]) }
                let expected = steps.map { (start + Int64($0) * 60) * 1000 }
                let schedule = try CronSchedule(parsing: job.expression, timeZone: zone, dst: dst)
                var actual: [Int64] = []
                var instant = Timestamp(milliseconds: start * 1000)
                while let next = schedule.next(after: instant), next.milliseconds <= (start + 72 * 3600) * 1000 {
                    actual.append(next.milliseconds)
                    instant = next
                }
                #expect(actual == expected, "\(job.expression) in \(name) from \(start)")
            }
        }
    }

    static let expressions = [
        "* * * * *", "30 * * * *", "*/7 * * * *", "0 */3 * * *", "30 2 * * *", "45 1 * * *", "0 0 * * *",
        "15 2,3 * * MON-FRI", "0 9 1 * MON", "0 0 29 2 *", "@hourly", "@weekly", "@every 97m", "0 12 31 * *",
    ]
    static let zones = [
        "UTC", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "America/St_Johns",
        "America/Santiago", "Europe/London", "Asia/Kathmandu", "Pacific/Apia",
    ]

    @Test(arguments: zones)
    func alwaysAdvancesAndIsStable(_ name: String) throws {
        let zone = try #require(TimeZone(identifier: name))
        var random = SplitMix64(seed: SplitMix64.hash(name))
        for expression in Self.expressions {
            let isEvery = expression.hasPrefix("@every")
            for dst in CronSchedule.DSTPolicy.allCases {
                let schedule = try CronSchedule(parsing: expression, timeZone: zone, dst: dst)
                // Random instants from 2010 to 2040, to the millisecond.
                for _ in 0..<20 {
                    let instant = Timestamp(milliseconds: 1_262_304_000_000 + Int64(random.next() % 946_080_000_000))
                    let next = try #require(schedule.next(after: instant), "\(expression) in \(name)")
                    #expect(next > instant, "\(expression) in \(name) after \(instant)")
                    // `@every` counts from the instant asked about, so only the cron forms are stable.
                    let again = schedule.next(after: Timestamp(milliseconds: next.milliseconds - 1))
                    #expect(isEvery || again == next, "\(expression) in \(name) before \(next)")
                }
                // 500 firings in a row, from a few days before the 2026 spring transition.
                var instant = Timestamp(milliseconds: 1_772_000_000_000 + Int64(random.next() % 20_000_000_000))
                for _ in 0..<500 {
                    guard let next = schedule.next(after: instant) else {
                        Issue.record("\(expression) in \(name) stopped after \(instant)")
                        break
                    }
                    #expect(next > instant, "\(expression) in \(name) after \(instant)")
                    #expect(isEvery || next.milliseconds % 60_000 == 0)
                    #expect(isEvery || schedule.next(after: Timestamp(milliseconds: next.milliseconds - 1)) == next)
                    instant = next
                }
            }
        }
    }
}
