import DialerCore
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp(milliseconds: 1_795_575_901_123).rfc3339 == "2026-11-25T03:05:01.123Z")
        #expect(Timestamp(milliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: 951_782_400_000).rfc3339 == "2000-02-29T00:00:00.000Z")
    }

    @Test func parsesOffsetsAndFractions() throws {
        #expect(try Timestamp(rfc3339: "2026-11-25T03:05:01.123Z").milliseconds == 1_795_575_901_123)
        #expect(try Timestamp(rfc3339: "2026-11-25T04:05:01.123456+01:00").milliseconds == 1_795_575_901_123)
        #expect(try Timestamp(rfc3339: "2026-11-24T22:05:01.1-05:00").milliseconds == 1_795_575_901_100)
        #expect(try Timestamp(rfc3339: "2026-11-25t03:05:01z").milliseconds == 1_795_575_901_000)
    }

    @Test(arguments: [
        "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-25", "2026-11-25T03:05:01",
        "2026-11-25T03:05:01.Z", "2026-11-25T24:00:00Z", "2026-11-25T03:05:01+0100",
    ])
    func rejectsWhatIsNotAnInstant(text: String) {
        #expect(
            throws: DialerCoreError.invalidField(field: "start_date", reason: "\"\(text)\" is not an RFC 3339 instant")
        ) {
            try Timestamp(rfc3339: text, field: "start_date")
        }
    }

    @Test func asOfParsesSequencesAndInstants() throws {
        #expect(try AsOf(parsing: "seq:42") == .sequence(42))
        #expect(try AsOf(parsing: "2026-11-25T03:05:01Z") == .instant(Timestamp(milliseconds: 1_795_575_901_000)))
        #expect(throws: DialerCoreError.self) { try AsOf(parsing: "seq:x") }
        #expect(throws: DialerCoreError.self) { try AsOf(parsing: "yesterday") }
        #expect(try AsOf(parsing: "2026-11-25") == .instant(try Timestamp(rfc3339: "2026-11-25T00:00:00Z")))
        #expect(
            throws: DialerCoreError.invalidField(field: "--as-of", reason: #""2026-13-01" has month 13, not 1-12"#)
        ) { try AsOf(parsing: "2026-13-01", field: "--as-of") }
    }

    /// The typed grammar: RFC 3339 or a date at midnight in the zone given.
    @Test(arguments: [
        ("2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z"),
        ("2026-11-01", "America/New_York", "2026-11-01T04:00:00.000Z"),
        ("2026-02-28", "UTC", "2026-02-28T00:00:00.000Z"),
        ("2028-02-29", "Asia/Kolkata", "2028-02-28T18:30:00.000Z"),
        // Santiago skips midnight on 2026-09-06: the day starts at 01:00 -03.
        ("2026-09-06", "America/Santiago", "2026-09-06T04:00:00.000Z"),
        ("1583-01-01", "UTC", "1583-01-01T00:00:00.000Z"),
        ("9999-12-31", "UTC", "9999-12-31T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", "Asia/Tokyo", "9999-12-31T23:59:59.999Z"),
        ("2026-03-08T02:30:00-05:00", "Asia/Tokyo", "2026-03-08T07:30:00.000Z"),
        ("2026-11-25t03:05:01.1234z", "UTC", "2026-11-25T03:05:01.123Z"),
    ])
    func readsTypedInstants(_ text: String, _ zone: String, _ expected: String) throws {
        let instant = try Timestamp(parsing: text, in: try #require(TimeZone(identifier: zone)), field: "--from")
        #expect(instant.rfc3339 == expected)
    }

    @Test(arguments: [
        ("2026-13-01", "has month 13, not 1-12"),
        ("2026-00-31", "has month 0, not 1-12"),
        ("2026-02-29", "has day 29, not 1-28 in 2026-02"),
        ("2026-04-31T00:00:00Z", "has day 31, not 1-30 in 2026-04"),
        ("2026-01-00", "has day 0, not 1-31 in 2026-01"),
        ("2026-01-01T24:00:00Z", "has hour 24, not 0-23"),
        ("2026-01-01T23:60:00Z", "has minute 60, not 0-59"),
        ("2026-01-01T23:59:61Z", "has second 61, not 0-59"),
        ("2026-12-31T23:59:60Z", "is a leap second (:60), which is not accepted"),
        ("2026-01-01T00:00:00+24:00", "has offset +24:00, not -23:59 to +23:59"),
        ("2026-01-01T00:00:00-05:60", "has offset -05:60, not -23:59 to +23:59"),
        ("0001-01-01", "has year 0001, not 1583-9999"),
        ("1582-12-31T23:59:59Z", "has year 1582, not 1583-9999"),
        ("9999-12-31T23:00:00-05:00", "is after 9999-12-31T23:59:59.999Z"),
        ("10000-01-01", "is neither an RFC 3339 instant nor a YYYY-MM-DD date"),
        ("2026-1-01", "is neither an RFC 3339 instant nor a YYYY-MM-DD date"),
        ("2026-01-01T00:00:00", "is neither an RFC 3339 instant nor a YYYY-MM-DD date"),
        ("2026-01-01 ", "is neither an RFC 3339 instant nor a YYYY-MM-DD date"),
        ("yesterday", "is neither an RFC 3339 instant nor a YYYY-MM-DD date"),
    ])
    func refusesTypedInstantsNamingTheField(_ text: String, _ reason: String) {
        #expect(throws: DialerCoreError.invalidField(field: "--to", reason: "\"\(text)\" \(reason)")) {
            try Timestamp(parsing: text, in: .gmt, field: "--to")
        }
    }

    @Test func storedInstantsKeepTheirGrammar() throws {
        // The log's own reader still takes what it always wrote, a leap second included.
        #expect(try Timestamp(rfc3339: "0001-01-01T00:00:00Z").rfc3339 == "0001-01-01T00:00:00.000Z")
        #expect(try Timestamp(rfc3339: "2016-12-31T23:59:60Z").rfc3339 == "2016-12-31T23:59:59.000Z")
        #expect(throws: DialerCoreError.self) { try Timestamp(rfc3339: "2026-01-01") }
    }
}
