import DialerCore
import Foundation
import Testing

/// One expected firing: `expression` read in `zone`, asked after `after`, fires at `expected` (nil: never).
struct CronCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var zone: String
    var after: String
    var expected: String?
    var dst: CronSchedule.DSTPolicy

    init(
        _ expression: String, _ zone: String, _ after: String, _ expected: String?,
        dst: CronSchedule.DSTPolicy = .wallClock
    ) {
        (self.expression, self.zone, self.after, self.expected, self.dst) = (expression, zone, after, expected, dst)
    }

    var testDescription: String { "\(expression) in \(zone) after \(after) (\(dst))" }

    /// Checks the schedule against the expectation.
    func check() throws {
        let zone = try #require(TimeZone(identifier: zone))
        let schedule = try CronSchedule(parsing: expression, timeZone: zone, dst: dst)
        let fired = schedule.next(after: try Timestamp(rfc3339: after))
        let wanted = try expected.map { try Timestamp(rfc3339: $0).rfc3339 }
        #expect(fired?.rfc3339 == wanted)
    }
}

@Suite struct CronTests {
    static let utc: [CronCase] = [
        // Month ends: the 31st skips short months.
        CronCase("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z"),
        CronCase("0 0 31 * *", "UTC", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"),
        // Leap days, across the skipped leap year 2100.
        CronCase("0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        CronCase("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),
        // Day of month OR day of week when both are restricted (2026-04-27 is a Monday, 2026-05-01 a Friday).
        CronCase("0 9 1 * MON", "UTC", "2026-04-27T10:00:00Z", "2026-05-01T09:00:00Z"),
        CronCase("0 9 1 * MON", "UTC", "2026-04-01T10:00:00Z", "2026-04-06T09:00:00Z"),
        CronCase("0 9 * * MON", "UTC", "2026-04-27T10:00:00Z", "2026-05-04T09:00:00Z"),
        CronCase("0 9 ? * MON", "UTC", "2026-04-27T10:00:00Z", "2026-05-04T09:00:00Z"),
        CronCase("0 9 1 * *", "UTC", "2026-04-27T10:00:00Z", "2026-05-01T09:00:00Z"),
        // robfig v3: a stepped star is a restriction, so `*/2` (odd days) OR Monday: Wednesday the 29th.
        CronCase("0 9 */2 * MON", "UTC", "2026-04-27T10:00:00Z", "2026-04-29T09:00:00Z"),
        CronCase("0 9 */1 * MON", "UTC", "2026-04-27T10:00:00Z", "2026-05-04T09:00:00Z"),
        // Steps.
        CronCase("*/15 * * * *", "UTC", "2026-01-01T00:07:30Z", "2026-01-01T00:15:00Z"),
        CronCase("5/20 * * * *", "UTC", "2026-01-01T00:46:00Z", "2026-01-01T01:05:00Z"),
        CronCase("10-20/5 8 * * *", "UTC", "2026-01-01T08:16:00Z", "2026-01-01T08:20:00Z"),
        CronCase("10-20/5 8 * * *", "UTC", "2026-01-01T08:20:00Z", "2026-01-02T08:10:00Z"),
        CronCase("0 */6 * * *", "UTC", "2026-01-01T18:00:00Z", "2026-01-02T00:00:00Z"),
        CronCase("0 0 */10 * *", "UTC", "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"),
        // Names (2026-01-04 and 2026-07-05 are Sundays, 2026-01-02 a Friday).
        CronCase("0 12 * JAN,jul sun", "UTC", "2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z"),
        CronCase("0 12 * JAN,jul sun", "UTC", "2026-01-25T12:00:00Z", "2026-07-05T12:00:00Z"),
        CronCase("30 8 * * MON-FRI", "UTC", "2026-01-02T09:00:00Z", "2026-01-05T08:30:00Z"),
        CronCase("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
        CronCase("0 0 * * 5-7", "UTC", "2026-01-03T12:00:00Z", "2026-01-04T00:00:00Z"),
        // Descriptors.
        CronCase("@yearly", "UTC", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronCase("@annually", "UTC", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"),
        CronCase("@monthly", "UTC", "2026-01-31T23:59:59.999Z", "2026-02-01T00:00:00Z"),
        CronCase("@weekly", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
        CronCase("@daily", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        CronCase("@midnight", "UTC", "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z"),
        CronCase("@hourly", "UTC", "2026-01-01T10:20:30.500Z", "2026-01-01T11:00:00Z"),
        // @every: the input rounded down to the second, plus the duration (robfig's ConstantDelaySchedule).
        CronCase("@every 90m", "UTC", "2026-01-01T00:00:00.750Z", "2026-01-01T01:30:00Z"),
        CronCase("@every 1h30m", "UTC", "2026-01-01T00:00:10Z", "2026-01-01T01:30:10Z"),
        CronCase("@every 45s", "UTC", "2026-01-01T00:00:30Z", "2026-01-01T00:01:15Z"),
        CronCase("@every 1.5s", "UTC", "2026-01-01T00:00:00.999Z", "2026-01-01T00:00:01Z"),
        CronCase("@every 1.5h", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T01:30:00Z"),
        CronCase("@every 2h", "America/New_York", "2026-03-08T01:30:00-05:00", "2026-03-08T04:30:00-04:00"),
        // Seconds are always 0 and the answer is strictly later.
        CronCase("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"),
        CronCase("* * * * *", "UTC", "2026-01-01T00:00:59.999Z", "2026-01-01T00:01:00Z"),
        CronCase("* * * * *", "UTC", "2025-12-31T23:59:00.001Z", "2026-01-01T00:00:00Z"),
        CronCase("0 0 1 1 *", "UTC", "1960-06-01T00:00:00Z", "1961-01-01T00:00:00Z"),
        // CRON_TZ= and TZ= override the zone passed in.
        CronCase("CRON_TZ=Asia/Tokyo 0 9 * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T09:00:00+09:00"),
        CronCase("TZ=America/New_York 0 9 * * *", "Asia/Tokyo", "2026-01-01T00:00:00Z", "2026-01-01T09:00:00-05:00"),
        CronCase("  CRON_TZ=Asia/Kolkata   @daily ", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00+05:30"),
        // Asia/Kolkata, +05:30 all year.
        CronCase("30 9 * * *", "Asia/Kolkata", "2026-01-01T04:00:00Z", "2026-01-02T09:30:00+05:30"),
        CronCase("30 9 * * *", "Asia/Kolkata", "2026-01-01T03:59:59.999Z", "2026-01-01T09:30:00+05:30"),
        CronCase("0 8,17 * * *", "Asia/Kolkata", "2026-01-01T08:00:00+05:30", "2026-01-01T17:00:00+05:30"),
        CronCase("0 0 1 1 *", "Asia/Kolkata", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00+05:30"),
        CronCase("0 0 * * *", "Asia/Kolkata", "2026-01-01T18:29:59Z", "2026-01-01T18:30:00Z"),
    ]

    @Test(arguments: utc)
    func firesAtTheExpectedTime(_ test: CronCase) throws { try test.check() }

    @Test func extremeInstantsHaveNoNextTime() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        for expression in ["* * * * *", "@yearly", "@every 1s"] {
            let schedule = try CronSchedule(parsing: expression, timeZone: utc)
            #expect(schedule.next(after: Timestamp(milliseconds: .max)) == nil)
            #expect(expression.hasPrefix("@every") || schedule.next(after: Timestamp(milliseconds: .min)) == nil)
        }
    }

    @Test func noAnswerHasAFiveDigitYear() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let late = try Timestamp(rfc3339: "9999-12-31T22:59:59Z")
        #expect(
            try CronSchedule(parsing: "@every 1h", timeZone: utc).next(after: late)?.rfc3339
                == "9999-12-31T23:59:59.000Z")
        #expect(try CronSchedule(parsing: "@every 2h", timeZone: utc).next(after: late) == nil)
        #expect(try CronSchedule(parsing: "0 0 * * *", timeZone: utc).next(after: late) == nil)
        #expect(
            try CronSchedule(parsing: "59 23 * * *", timeZone: utc).next(after: late)?.rfc3339
                == "9999-12-31T23:59:00.000Z")
    }
}
