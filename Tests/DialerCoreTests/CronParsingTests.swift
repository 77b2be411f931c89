import DialerCore
import Foundation
import Testing

@Suite struct CronParsingTests {
    /// The next `count` firings in UTC from 2026-01-01, as RFC 3339 strings.
    static func firings(_ expression: String, count: Int = 400) throws -> [String] {
        let schedule = try CronSchedule(parsing: expression, timeZone: TimeZone(identifier: "UTC")!)
        var instant = try Timestamp(rfc3339: "2026-01-01T00:00:00Z")
        var result: [String] = []
        for _ in 0..<count {
            guard let next = schedule.next(after: instant) else { break }
            result.append(next.rfc3339)
            instant = next
        }
        return result
    }

    @Test(arguments: [
        ("0 0 ? * ?", "0 0 * * *"), ("? ? ? ? ?", "* * * * *"), ("0 0 * * 7", "0 0 * * 0"),
        ("0 0 * * sun", "0 0 * * 0"), ("0 0 * * SUN,7", "0 0 * * 0"), ("0 0 * * Mon-fri", "0 0 * * 1-5"),
        ("0 0 * * 5-7", "0 0 * * 0,5,6"), ("0 0 1 jan-MAR *", "0 0 1 1-3 *"), ("0 0 1 Dec *", "0 0 1 12 *"),
        ("5/20 * * * *", "5-59/20 * * * *"), ("5/20 * * * *", "5,25,45 * * * *"), ("*/20 * * * *", "0,20,40 * * * *"),
        ("0 1/8 * * *", "0 1,9,17 * * *"), ("0 0 1 */5 *", "0 0 1 1,6,11 *"), ("0 0 * * 1/2", "0 0 * * 1,3,5"),
        ("0 0 * * */3", "0 0 * * 0,3,6"), ("0 12 * * */100", "0 12 * * 0"),
        ("1-5,10,40-42 * * * *", "1,2,3,4,5,10,40,41,42 * * * *"),
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"), ("0 0 30 2 MON", "0 0 * 2 MON"),
        ("0 0 31 4,5 *", "0 0 31 5 *"), ("0 12 * * */9223372036854775807", "0 12 * * 0"),
        ("0\t0  *\t* *", "0 0 * * *"), ("00 09 01 01 *", "0 9 1 1 *"), ("@every 1h", "0 * * * *"),
        ("@every 60m", "@every 3600s"), ("@every 1h0m0s", "@every 3600000ms"), ("@every 2.5m", "@every 150s"),
        ("@every 1h30m", "@every 90m"), ("@every +90m", "@every 5400s"), ("@every 1000000us", "@every 1s"),
        ("@every 1000000µs", "@every 1s"), ("@every 1999999999ns", "@every 1s"),
    ])
    func equivalentForms(_ written: String, _ canonical: String) throws {
        #expect(try Self.firings(written) == Self.firings(canonical))
    }

    @Test func formsFireWhereExpected() throws {
        #expect(
            try Self.firings("5/20 * * * *", count: 3) == [
                "2026-01-01T00:05:00.000Z", "2026-01-01T00:25:00.000Z", "2026-01-01T00:45:00.000Z",
            ])
        #expect(try Self.firings("0 0 * * 7", count: 2) == ["2026-01-04T00:00:00.000Z", "2026-01-11T00:00:00.000Z"])
        #expect(try Self.firings("0 12 * * */100", count: 1) == ["2026-01-04T12:00:00.000Z"])
        #expect(
            try Self.firings("0 0 * * 1/2", count: 3) == [
                "2026-01-02T00:00:00.000Z", "2026-01-05T00:00:00.000Z", "2026-01-07T00:00:00.000Z",
            ])
    }

    @Test func keepsTheExpressionAndTheZoneItNames() throws {
        let utc = TimeZone(identifier: "UTC")!
        let plain = try CronSchedule(parsing: "0 9 * * *", timeZone: utc)
        #expect(plain.expression == "0 9 * * *" && plain.description == "0 9 * * *")
        #expect(plain.timeZone == utc && plain.dst == .wallClock)
        let zoned = try CronSchedule(parsing: "CRON_TZ=Europe/Paris 0 9 * * *", timeZone: utc, dst: .literal)
        #expect(zoned.timeZone.identifier == "Europe/Paris" && zoned.dst == .literal)
        #expect(try CronSchedule(parsing: "TZ=Asia/Tokyo @hourly", timeZone: utc).timeZone.identifier == "Asia/Tokyo")
    }

    @Test(arguments: [
        ("", "expression", "is empty"),
        ("   ", "expression", "is empty"),
        ("* * * *", "expression", "expected 5 fields, got 4"),
        ("0 0 * * * *", "expression", "expected 5 fields, got 6"),
        ("60 * * * *", "minute", "\"60\" is out of range 0-59"),
        ("0 25 * * *", "hour", "\"25\" is out of range 0-23"),
        ("0 0-24 * * *", "hour", "\"24\" is out of range 0-23"),
        ("0 0 0 * *", "day-of-month", "\"0\" is out of range 1-31"),
        ("0 0 32 * *", "day-of-month", "\"32\" is out of range 1-31"),
        ("0 0 * 13 *", "month", "\"13\" is out of range 1-12"),
        ("0 0 * 0 *", "month", "\"0\" is out of range 1-12"),
        ("0 0 * * 8", "day-of-week", "\"8\" is out of range 0-7"),
        ("99999999999999999999 * * * *", "minute", "\"99999999999999999999\" is out of range 0-59"),
        ("x * * * *", "minute", "\"x\" is not a number"),
        ("0 MON * * *", "hour", "\"MON\" is not a number"),
        ("0 0 1st * *", "day-of-month", "\"1st\" is not a number"),
        ("0 0 * FOO *", "month", "\"FOO\" is not a month (1-12 or JAN-DEC)"),
        ("0 0 * MON *", "month", "\"MON\" is not a month (1-12 or JAN-DEC)"),
        ("0 0 * * funday", "day-of-week", "\"funday\" is not a weekday (0-7 or SUN-SAT)"),
        ("0 0 * * JAN", "day-of-week", "\"JAN\" is not a weekday (0-7 or SUN-SAT)"),
        ("*/0 * * * *", "minute", "step in \"*/0\" must be at least 1"),
        ("*/x * * * *", "minute", "step \"x\" in \"*/x\" is not a number"),
        ("*/ * * * *", "minute", "step \"\" in \"*/\" is not a number"),
        ("1-2-3 * * * *", "minute", "\"1-2-3\" is not a value, range or step"),
        ("1/2/3 * * * *", "minute", "\"1/2/3\" is not a value, range or step"),
        ("-5 * * * *", "minute", "\"-5\" is not a value, range or step"),
        ("*-5 * * * *", "minute", "\"*-5\" is not a value, range or step"),
        ("/5 * * * *", "minute", "\"/5\" is not a value, range or step"),
        ("1,,2 * * * *", "minute", "\"1,,2\" has an empty list item"),
        ("0 0 1, * *", "day-of-month", "\"1,\" has an empty list item"),
        ("30-10 * * * *", "minute", "\"30-10\" starts after it ends"),
        ("0 0 * * SAT-MON", "day-of-week", "\"SAT-MON\" starts after it ends"),
        (
            "@fortnightly", "expression",
            "\"@fortnightly\" is not a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly or @every <duration>)"
        ),
        (
            "@daily 5", "expression",
            "\"@daily 5\" is not a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly or @every <duration>)"
        ),
        (
            "@DAILY", "expression",
            "\"@DAILY\" is not a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly or @every <duration>, in lower case)"
        ),
        (
            "@Every 1h", "expression",
            "\"@Every 1h\" is not a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly or @every <duration>, in lower case)"
        ),
        (
            "*/99999999999999999999 * * * *", "minute",
            "step \"99999999999999999999\" in \"*/99999999999999999999\" is too large"
        ),
        (
            "0 0 1 1-12/9223372036854775808 *", "month",
            "step \"9223372036854775808\" in \"1-12/9223372036854775808\" is too large"
        ),
        ("0 0 30 2 *", "day-of-month", "\"30\" never falls in month \"2\", so the schedule never fires"),
        ("0 0 30,31 feb ?", "day-of-month", "\"30,31\" never falls in month \"feb\", so the schedule never fires"),
        ("0 0 31 4,6,9,11 *", "day-of-month", "\"31\" never falls in month \"4,6,9,11\", so the schedule never fires"),
        ("@every", "@every", "\"\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every 90", "@every", "\"90\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every 5x", "@every", "\"5x\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every 1h 30m", "@every", "\"1h 30m\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every .m", "@every", "\".m\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every 9999999999h", "@every", "\"9999999999h\" is not a duration (like 90m, 1h30m or 45s)"),
        ("@every 500ms", "@every", "\"500ms\" is shorter than 1s"),
        ("@every -5m", "@every", "\"-5m\" is shorter than 1s"),
        ("@every 0", "@every", "\"0\" is shorter than 1s"),
        ("CRON_TZ=Mars/Base 0 9 * * *", "CRON_TZ", "\"Mars/Base\" is not a known time zone"),
        ("TZ=Nowhere 0 9 * * *", "TZ", "\"Nowhere\" is not a known time zone"),
        ("CRON_TZ= 0 9 * * *", "CRON_TZ", "\"\" is not a known time zone"),
        ("CRON_TZ=Local 0 9 * * *", "CRON_TZ", "\"Local\" is not a known time zone"),
        ("CRON_TZ=Europe/Paris", "expression", "has no schedule after CRON_TZ=Europe/Paris"),
        ("CRON_TZ=Europe/Paris 0 9 * *", "expression", "expected 5 fields, got 4"),
    ])
    func rejectsWithFieldAndReason(_ expression: String, _ field: String, _ reason: String) {
        #expect(throws: DialerCoreError.invalidField(field: field, reason: reason)) {
            try CronSchedule(parsing: expression, timeZone: TimeZone(identifier: "UTC")!)
        }
    }
}
