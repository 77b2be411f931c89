import DialerCore
import Foundation
import Testing

/// Daylight saving time, hand-computed from the zones' 2026 transitions:
/// America/New_York 03-08 02:00 EST → 03:00 EDT, 11-01 02:00 EDT → 01:00 EST;
/// Australia/Lord_Howe 04-05 02:00 +11 → 01:30 +10:30, 10-04 02:00 +10:30 → 02:30 +11;
/// Pacific/Chatham 04-05 03:45 +13:45 → 02:45 +12:45, 09-27 02:45 +12:45 → 03:45 +13:45;
/// America/St_Johns 03-08 02:00 −03:30 → 03:00 −02:30, 11-01 02:00 −02:30 → 01:00 −03:30;
/// America/Santiago 04-05 00:00 −03 → 04-04 23:00 −04, 09-06 00:00 −04 → 01:00 −03;
/// Pacific/Apia skipped 2011-12-30 (−10 → +14 at local midnight).
@Suite struct CronDSTTests {
    static let newYork: [CronCase] = [
        // Fixed time in the spring-forward gap: once at 03:00 EDT (wallClock), not that day (literal).
        CronCase("30 2 * * *", "America/New_York", "2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00"),
        CronCase("30 2 * * *", "America/New_York", "2026-03-08T06:59:59.999Z", "2026-03-08T03:00:00-04:00"),
        CronCase("30 2 * * *", "America/New_York", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"),
        CronCase(
            "30 2 * * *", "America/New_York", "2026-03-07T02:30:00-05:00", "2026-03-09T02:30:00-04:00", dst: .literal),
        CronCase("0 2 * * *", "America/New_York", "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"),
        CronCase(
            "0 2 * * *", "America/New_York", "2026-03-08T00:00:00-05:00", "2026-03-09T02:00:00-04:00", dst: .literal),
        CronCase("0 3 * * *", "America/New_York", "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00"),
        CronCase(
            "0 3 * * *", "America/New_York", "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", dst: .literal),
        // A minute field starting with `*` is a wildcard job: the missing 02:00 and 02:30 are skipped.
        CronCase("*/30 1-2 * * *", "America/New_York", "2026-03-08T01:30:00-05:00", "2026-03-09T01:00:00-04:00"),
        CronCase("30 * * * *", "America/New_York", "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00"),
        // Fixed time in the fall-back overlap: the first 01:30 only (wallClock), both (literal).
        CronCase("30 1 * * *", "America/New_York", "2026-10-31T01:30:00-04:00", "2026-11-01T01:30:00-04:00"),
        CronCase("30 1 * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"),
        CronCase("30 1 * * *", "America/New_York", "2026-11-01T01:40:00-04:00", "2026-11-02T01:30:00-05:00"),
        CronCase("30 1 * * *", "America/New_York", "2026-11-01T01:10:00-05:00", "2026-11-02T01:30:00-05:00"),
        CronCase(
            "30 1 * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", dst: .literal),
        CronCase(
            "30 1 * * *", "America/New_York", "2026-11-01T01:40:00-04:00", "2026-11-01T01:30:00-05:00", dst: .literal),
        CronCase(
            "30 1 * * *", "America/New_York", "2026-11-01T01:30:00-05:00", "2026-11-02T01:30:00-05:00", dst: .literal),
        CronCase("0 1 * * *", "America/New_York", "2026-11-01T00:59:59-04:00", "2026-11-01T01:00:00-04:00"),
        CronCase("0 1 * * *", "America/New_York", "2026-11-01T01:00:00-04:00", "2026-11-02T01:00:00-05:00"),
        CronCase(
            "0 1 * * *", "America/New_York", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", dst: .literal),
        CronCase("0 2 * * *", "America/New_York", "2026-11-01T00:00:00-04:00", "2026-11-01T02:00:00-05:00"),
        // Hourly jobs fire in both copies of the repeated hour, including wall times before the input's.
        CronCase("30 * * * *", "America/New_York", "2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-04:00"),
        CronCase("30 * * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"),
        CronCase("30 * * * *", "America/New_York", "2026-11-01T01:30:00-05:00", "2026-11-01T02:30:00-05:00"),
        CronCase("0 * * * *", "America/New_York", "2026-11-01T01:10:00-04:00", "2026-11-01T01:00:00-05:00"),
        CronCase("5 * * * *", "America/New_York", "2026-11-01T01:10:00-04:00", "2026-11-01T01:05:00-05:00"),
        CronCase(
            "CRON_TZ=America/New_York 30 2 * * *", "UTC", "2026-03-08T00:00:00Z", "2026-03-08T03:00:00-04:00"),
    ]

    static let halfHourZones: [CronCase] = [
        // Lord Howe: 01:30-02:00 repeats on 2026-04-05, 02:00-02:30 is skipped on 2026-10-04.
        CronCase("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T01:45:00+11:00", "2026-04-05T01:45:00+11:00"),
        CronCase("45 1 * * *", "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"),
        CronCase(
            "45 1 * * *", "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00", "2026-04-05T01:45:00+10:30",
            dst: .literal),
        CronCase("0 2 * * *", "Australia/Lord_Howe", "2026-04-04T12:00:00+11:00", "2026-04-05T02:00:00+10:30"),
        CronCase("*/20 * * * *", "Australia/Lord_Howe", "2026-04-05T01:40:00+11:00", "2026-04-05T01:40:00+10:30"),
        CronCase("*/20 * * * *", "Australia/Lord_Howe", "2026-04-05T01:40:00+10:30", "2026-04-05T02:00:00+10:30"),
        CronCase("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T02:15:00+10:30", "2026-10-04T02:30:00+11:00"),
        CronCase(
            "15 2 * * *", "Australia/Lord_Howe", "2026-10-03T02:15:00+10:30", "2026-10-05T02:15:00+11:00",
            dst: .literal),
        CronCase("*/20 * * * *", "Australia/Lord_Howe", "2026-10-04T01:50:00+10:30", "2026-10-04T02:40:00+11:00"),
        // Chatham (+12:45/+13:45): 02:45-03:45 repeats on 2026-04-05 and is skipped on 2026-09-27.
        CronCase("0 3 * * *", "Pacific/Chatham", "2026-04-04T03:00:00+13:45", "2026-04-05T03:00:00+13:45"),
        CronCase("0 3 * * *", "Pacific/Chatham", "2026-04-05T03:00:00+13:45", "2026-04-06T03:00:00+12:45"),
        CronCase(
            "0 3 * * *", "Pacific/Chatham", "2026-04-05T03:00:00+13:45", "2026-04-05T03:00:00+12:45", dst: .literal),
        CronCase("0 3 * * *", "Pacific/Chatham", "2026-09-26T03:00:00+12:45", "2026-09-27T03:45:00+13:45"),
        CronCase(
            "0 3 * * *", "Pacific/Chatham", "2026-09-26T03:00:00+12:45", "2026-09-28T03:00:00+13:45", dst: .literal),
        CronCase("45 2 * * *", "Pacific/Chatham", "2026-09-26T12:00:00+12:45", "2026-09-27T03:45:00+13:45"),
        CronCase("0 * * * *", "Pacific/Chatham", "2026-09-27T02:00:00+12:45", "2026-09-27T04:00:00+13:45"),
        CronCase("0 12 * * *", "Pacific/Chatham", "2026-06-01T00:00:00Z", "2026-06-02T12:00:00+12:45"),
        // St John's (−03:30/−02:30).
        CronCase("30 2 * * *", "America/St_Johns", "2026-03-07T02:30:00-03:30", "2026-03-08T03:00:00-02:30"),
        CronCase(
            "30 2 * * *", "America/St_Johns", "2026-03-07T02:30:00-03:30", "2026-03-09T02:30:00-02:30", dst: .literal),
        CronCase("30 1 * * *", "America/St_Johns", "2026-11-01T01:30:00-02:30", "2026-11-02T01:30:00-03:30"),
        CronCase(
            "30 1 * * *", "America/St_Johns", "2026-11-01T01:30:00-02:30", "2026-11-01T01:30:00-03:30", dst: .literal),
        CronCase("0 12 * * *", "America/St_Johns", "2026-06-15T12:00:00-02:30", "2026-06-16T12:00:00-02:30"),
        // Santiago changes at midnight: midnight is skipped in September and 23:00 repeats in April.
        CronCase("@daily", "America/Santiago", "2026-09-05T00:00:00-04:00", "2026-09-06T01:00:00-03:00"),
        CronCase("@daily", "America/Santiago", "2026-09-05T00:00:00-04:00", "2026-09-07T00:00:00-03:00", dst: .literal),
        CronCase("0 23 * * *", "America/Santiago", "2026-04-04T22:00:00-03:00", "2026-04-04T23:00:00-03:00"),
        CronCase("0 23 * * *", "America/Santiago", "2026-04-04T23:00:00-03:00", "2026-04-05T23:00:00-04:00"),
        CronCase(
            "0 23 * * *", "America/Santiago", "2026-04-04T23:00:00-03:00", "2026-04-04T23:00:00-04:00", dst: .literal),
        // Apia skipped a whole day: ISC cron takes a jump of 3 hours or more as a clock correction, so a
        // fixed time on the skipped day does not fire, and midnight after the jump does.
        CronCase("0 9 * * *", "Pacific/Apia", "2011-12-29T09:00:00-10:00", "2011-12-31T09:00:00+14:00"),
        CronCase("0 0 * * *", "Pacific/Apia", "2011-12-29T09:00:00-10:00", "2011-12-31T00:00:00+14:00"),
        CronCase("0 9 * * *", "Pacific/Apia", "2011-12-29T09:00:00-10:00", "2011-12-31T09:00:00+14:00", dst: .literal),
    ]

    /// ISC cron's fixed-time jobs with lists and ranges: neither the minute nor the hour starts with `*`.
    /// London 03-29 01:00 GMT → 02:00 BST, 10-25 02:00 BST → 01:00 GMT; Berlin 03-29 02:00 CET → 03:00
    /// CEST, 10-25 03:00 CEST → 02:00 CET.
    static let listsAndRanges: [CronCase] = [
        // New York: both skipped times fire once, at 03:00 EDT; each repeated time fires once, first.
        CronCase("15,45 2 * * *", "America/New_York", "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"),
        CronCase("15,45 2 * * *", "America/New_York", "2026-03-08T03:00:00-04:00", "2026-03-09T02:15:00-04:00"),
        CronCase("30 1-3 * * *", "America/New_York", "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"),
        CronCase("30 1-3 * * *", "America/New_York", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"),
        CronCase("15,45 1 * * *", "America/New_York", "2026-11-01T01:15:00-04:00", "2026-11-01T01:45:00-04:00"),
        CronCase("15,45 1 * * *", "America/New_York", "2026-11-01T01:45:00-04:00", "2026-11-02T01:15:00-05:00"),
        CronCase("15,45 1 * * *", "America/New_York", "2026-11-01T01:20:00-05:00", "2026-11-02T01:15:00-05:00"),
        CronCase("0 1-2 * * *", "America/New_York", "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00"),
        CronCase(
            "15,45 1 * * *", "America/New_York", "2026-11-01T01:45:00-04:00", "2026-11-01T01:15:00-05:00",
            dst: .literal),
        // A wildcard minute keeps the wall clock: both copies of 01:00 and 01:30.
        CronCase("*/30 1 * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00"),
        // London.
        CronCase("0,30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-29T02:00:00+01:00"),
        CronCase("0,30 1 * * *", "Europe/London", "2026-03-29T02:00:00+01:00", "2026-03-30T01:00:00+01:00"),
        CronCase("0,30 1 * * *", "Europe/London", "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00"),
        CronCase("0,30 1 * * *", "Europe/London", "2026-10-25T01:30:00+01:00", "2026-10-26T01:00:00Z"),
        CronCase("0 0-2 * * *", "Europe/London", "2026-10-25T01:00:00+01:00", "2026-10-25T02:00:00Z"),
        // Berlin: a stepped range of fixed values is fixed.
        CronCase("10-50/20 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T03:00:00+02:00"),
        CronCase("10-50/20 2 * * *", "Europe/Berlin", "2026-03-29T03:00:00+02:00", "2026-03-30T02:10:00+02:00"),
        CronCase("10-50/20 2 * * *", "Europe/Berlin", "2026-10-25T02:30:00+02:00", "2026-10-25T02:50:00+02:00"),
        CronCase("10-50/20 2 * * *", "Europe/Berlin", "2026-10-25T02:50:00+02:00", "2026-10-26T02:10:00+01:00"),
        CronCase(
            "10-50/20 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T02:10:00+02:00", dst: .literal),
        // Lord Howe's 30-minute shift: 01:30-02:00 repeats on 04-05, 02:00-02:30 is skipped on 10-04.
        CronCase("15,45 1 * * *", "Australia/Lord_Howe", "2026-04-05T01:15:00+11:00", "2026-04-05T01:45:00+11:00"),
        CronCase("15,45 1 * * *", "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00", "2026-04-06T01:15:00+10:30"),
        CronCase("0,20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T01:00:00+10:30", "2026-10-04T02:30:00+11:00"),
        CronCase("0,20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:30:00+11:00", "2026-10-04T02:40:00+11:00"),
        CronCase("0,20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:40:00+11:00", "2026-10-05T02:00:00+11:00"),
        CronCase(
            "0,20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T01:00:00+10:30", "2026-10-04T02:40:00+11:00",
            dst: .literal),
    ]

    @Test(arguments: newYork)
    func newYork2026(_ test: CronCase) throws { try test.check() }

    @Test(arguments: listsAndRanges)
    func listsAndRangesAreFixedTimes(_ test: CronCase) throws { try test.check() }

    @Test(arguments: halfHourZones)
    func halfHourAndQuarterHourZones(_ test: CronCase) throws { try test.check() }

    @Test func hourlyAcrossBothNewYorkNights() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let schedule = try CronSchedule(parsing: "30 * * * *", timeZone: zone)
        func walk(from start: String, count: Int) throws -> [String] {
            var instant = try Timestamp(rfc3339: start)
            return try (0..<count).map { _ in
                instant = try #require(schedule.next(after: instant))
                return instant.rfc3339
            }
        }
        let spring = ["00:30:00-05:00", "01:30:00-05:00", "03:30:00-04:00", "04:30:00-04:00"]
        #expect(try walk(from: "2026-03-08T00:00:00-05:00", count: 4) == spring.map { try stamp("2026-03-08T" + $0) })
        let fall = ["00:30:00-04:00", "01:30:00-04:00", "01:30:00-05:00", "02:30:00-05:00", "03:30:00-05:00"]
        #expect(try walk(from: "2026-11-01T00:00:00-04:00", count: 5) == fall.map { try stamp("2026-11-01T" + $0) })
    }

    private func stamp(_ text: String) throws -> String { try Timestamp(rfc3339: text).rfc3339 }
}
