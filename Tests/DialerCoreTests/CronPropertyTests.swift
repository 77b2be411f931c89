import DialerCore
import Foundation
import Testing

/// Checks `CronSchedule` against properties and against a brute-force oracle that walks every UTC minute
/// and reads its local time with `Calendar`, knowing nothing of transitions.
@Suite struct CronPropertyTests {
    /// A local wall time as `Calendar` reports it.
    struct Local: Comparable {
        var year, month, day, hour, minute, weekday: Int

        static func < (lhs: Local, rhs: Local) -> Bool {
            (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute) < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute)
        }
    }

    /// An expression with an independent reading of it: `time` for a fixed-time job, `day` and `matches`.
    struct Job: Sendable {
        var expression: String
        var time: (hour: Int, minute: Int)?
        var day: @Sendable (Local) -> Bool = { _ in true }
        var matches: @Sendable (Local) -> Bool
    }

    static let jobs: [Job] = [
        Job(expression: "30 * * * *") { $0.minute == 30 },
        Job(expression: "*/20 * * * *") { $0.minute % 20 == 0 },
        Job(expression: "0 * * * *") { $0.minute == 0 },
        Job(expression: "*/15 1-3 * * *") { $0.minute % 15 == 0 && (1...3).contains($0.hour) },
        Job(expression: "5,35 0-5 * * *") { [5, 35].contains($0.minute) && $0.hour <= 5 },
        Job(expression: "0 0,2,23 * * *") { $0.minute == 0 && [0, 2, 23].contains($0.hour) },
        fixed("30 2 * * *", 2, 30),
        fixed("45 1 * * *", 1, 45),
        fixed("0 3 * * *", 3, 0),
        fixed("15 2 * * *", 2, 15),
        fixed("0 0 * * *", 0, 0),
        fixed("0 23 * * *", 23, 0),
        fixed("0 2 * * SUN", 2, 0) { $0.weekday == 0 },
        fixed("30 1 1,4-6 * SAT", 1, 30) { [1, 4, 5, 6].contains($0.day) || $0.weekday == 6 },
    ]

    static func fixed(
        _ expression: String, _ hour: Int, _ minute: Int, day: @escaping @Sendable (Local) -> Bool = { _ in true }
    ) -> Job {
        Job(expression: expression, time: (hour, minute), day: day) {
            $0.hour == hour && $0.minute == minute && day($0)
        }
    }

    /// Three days around each 2026 transition of these zones (2011 for Apia), and three plain days in Kolkata.
    static let windows: [(zone: String, start: Int64)] = {
        var windows: [(String, Int64)] = [("Asia/Kolkata", 1_779_999_960)]
        let zones = [
            ("America/New_York", 2026), ("Australia/Lord_Howe", 2026), ("Pacific/Chatham", 2026),
            ("America/St_Johns", 2026), ("America/Santiago", 2026), ("Europe/London", 2026), ("Pacific/Apia", 2011),
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

    /// The calendar dates from `first`'s through `last`'s, with their weekdays.
    static func dates(from first: Local, through last: Local) -> [Local] {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        var date = utc.date(from: DateComponents(year: first.year, month: first.month, day: first.day))!
        var dates: [Local] = []
        while true {
            let parts = utc.dateComponents([.year, .month, .day, .weekday], from: date)
            let local = Local(
                year: parts.year!, month: parts.month!, day: parts.day!, hour: 0, minute: 0, weekday: parts.weekday! - 1
            )
            guard
                [local.year, local.month, local.day].lexicographicallyPrecedes([last.year, last.month, last.day + 1])
            else { return dates }
            dates.append(local)
            date = utc.date(byAdding: .day, value: 1, to: date)!
        }
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
                var expected: [Int64] = []
                var firedDays: Set<[Int]> = []
                for step in 1..<minutes.count {
                    let now = minutes[step]
                    let instant = (start + Int64(step) * 60) * 1000
                    if let time = job.time, dst == .wallClock {
                        // ISC cron: fire when the wall clock reaches or jumps over the time, once per date
                        // (the dates between the previous minute's and this one's, for a skipped day).
                        let previous = minutes[step - 1]
                        let sameDay = (previous.year, previous.month, previous.day) == (now.year, now.month, now.day)
                        for var target in sameDay ? [now] : Self.dates(from: previous, through: now) {
                            (target.hour, target.minute) = time
                            let key = [target.year, target.month, target.day]
                            if job.day(target), previous < target, target <= now, !firedDays.contains(key) {
                                firedDays.insert(key)
                                if expected.last != instant { expected.append(instant) }
                            }
                        }
                    } else if job.matches(now) {
                        expected.append(instant)
                    }
                }
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
