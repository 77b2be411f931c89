import DialerCore
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
    }
}
