import DialerCore
import Foundation
import Testing

@Suite struct ChartDocumentTests {
    private static let day = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z

    private static func interval(
        _ hour: Timestamp, _ a: Double, _ c: Double, _ ab: Double, _ source: DerivedInterval.Source = .observed
    )
        -> DerivedInterval
    {
        DerivedInterval(
            hour: hour, counts: HourCounts(attempted: a, connected: c, abandoned: ab), source: source,
            droppedBy: a < 20 ? "min_calls" : nil)
    }

    private static func header(zone: String = "UTC", start: Timestamp = day, hours: Int64 = 24) -> ChartDocument.Header
    {
        ChartDocument.Header(
            reportID: "r-1", runID: "run-1", asOfSeq: 42,
            window: ReportWindow(start: start, end: Timestamp(milliseconds: start.milliseconds + hours * 3_600_000)),
            timeZone: zone,
            ruleSet: .seed)
    }

    /// The document with the campaigns' own observed hours as their history (no earlier runs).
    private static func document(
        header: ChartDocument.Header, campaigns: [(id: String, intervals: [DerivedInterval])], failed: [String: String]
    ) throws -> ChartDocument {
        try ChartDocument(
            header: header, campaigns: campaigns, failed: failed, history: ObservedHistory(observedIn: campaigns))
    }

    private static func at(_ hour: Int64, from start: Timestamp = day) -> Timestamp {
        Timestamp(milliseconds: start.milliseconds + hour * 3_600_000)
    }

    @Test func theTotalSumsCountsThenComputesRates() throws {
        let document = try Self.document(
            header: Self.header(),
            campaigns: [
                ("C1", [Self.interval(Self.at(9), 100, 30, 2), Self.interval(Self.at(10), 10, 1, 0)]),
                ("C2", [Self.interval(Self.at(9), 300, 150, 10, .interpolated)]),
            ], failed: ["C3": "CXone campaign report answered HTTP 404"])
        let json = document.json
        let c1 = try #require(json["campaigns"]?.arrayValue?.first)
        #expect(c1["campaign_id"] == "C1")
        #expect(c1["dropped"] == 1)
        let point = try #require(c1["data"]?.arrayValue?.first)
        #expect(point["timestamp"] == "2026-11-24T09:00:00Z")
        #expect(point["contact_rate"] == 0.3)
        #expect(point["abandonment_rate"] == 0.02)
        let total = try #require(json["total"]?["data"]?.arrayValue)
        #expect(total.count == 1)
        #expect(total[0]["calls_attempted"] == 400)
        #expect(total[0]["contact_rate"] == 0.45, "180 / 400, not the mean of 0.3 and 0.5")
        #expect(total[0]["abandonment_rate"] == 0.03)
        #expect(total[0]["source"] == "mixed")
        #expect(json["failed"] == [["campaign_id": "C3", "error": "CXone campaign report answered HTTP 404"]])
        #expect(json["as_of_seq"] == 42 && json["rule_set"] == "seed")
    }

    @Test func anHourWithoutAttemptsHasNoRatesAndSaysWhy() throws {
        let empty = DerivedInterval(hour: Self.at(3), counts: .zero, source: .filled, droppedBy: nil)
        let document = try Self.document(header: Self.header(), campaigns: [("C1", [empty])], failed: [:])
        let point = try #require(document.json["campaigns"]?.arrayValue?.first?["data"]?.arrayValue?.first)
        #expect(point["contact_rate"] == .null && point["abandonment_rate"] == .null)
        #expect(point["rate_note"] == "no attempts")
        #expect(!String(decoding: document.bytes, as: UTF8.self).contains("nan"))
    }

    @Test func aDSTDayInTheReportZoneHas23LocalHours() throws {
        let start = try Timestamp(rfc3339: "2026-03-08T05:00:00Z")  // local midnight in New York
        let intervals = (0..<23).map { Self.interval(Self.at(Int64($0), from: start), 100, 50, 1) }
        let document = try Self.document(
            header: Self.header(zone: "America/New_York", start: start, hours: 23), campaigns: [("C1", intervals)],
            failed: [:])
        let labels = try #require(document.json["campaigns"]?.arrayValue?.first?["data"]?.arrayValue).compactMap {
            $0["timestamp"]?.stringValue
        }
        #expect(labels.count == 23)
        #expect(labels[0] == "2026-03-08T00:00:00-05:00")
        #expect(labels[1] == "2026-03-08T01:00:00-05:00")
        #expect(labels[2] == "2026-03-08T03:00:00-04:00")
        #expect(labels[22] == "2026-03-08T23:00:00-04:00")
    }

    @Test func complianceUsesLiveAnswersAndObservedHoursOnly() throws {
        let intervals = [
            Self.interval(Self.at(1), 1_000, 200, 8),  // 8 / 208 = 3.85 %: above 3 %
            Self.interval(Self.at(2), 1_000, 200, 90, .interpolated),  // an estimate: not counted
        ]
        let document = try Self.document(header: Self.header(), campaigns: [("C1", intervals)], failed: [:])
        let compliance = try #require(document.json["campaigns"]?.arrayValue?.first?["compliance"])
        #expect(compliance["rolling_24h"]?["rate"] == 0.0385)
        // One observed hour is no day's figure: no verdict.
        #expect(compliance["rolling_24h"]?["verdict"] == "insufficient_data")
        #expect(compliance["rolling_24h"]?["breach"] == false)
        #expect(compliance["rolling_30d"]?["answered"] == 208)
        #expect(compliance["observed_hours"] == 1)
    }

    @Test func theSameIntervalsGiveTheSameBytes() throws {
        let campaigns: [(id: String, intervals: [DerivedInterval])] = [
            ("C1", (0..<24).map { Self.interval(Self.at(Int64($0)), Double(20 + $0), 10, 1) })
        ]
        let first = try Self.document(header: Self.header(zone: "Europe/London"), campaigns: campaigns, failed: [:])
        let second = try Self.document(header: Self.header(zone: "Europe/London"), campaigns: campaigns, failed: [:])
        #expect(first.bytes == second.bytes && !first.bytes.isEmpty)
    }

    @Test func anUnknownZoneIsAnError() {
        #expect(throws: DialerCoreError.self) {
            try Self.document(header: Self.header(zone: "Mars/Olympus"), campaigns: [], failed: [:])
        }
    }

    @Test func theBytesAreCanonicalJSONForAnyRoundingAndZone() throws {
        let intervals: [DerivedInterval] = (0..<30).map { (hour: Int) -> DerivedInterval in
            let attempted = 20 + Double(hour) / 3
            return Self.interval(Self.at(Int64(hour)), attempted, Double(hour % 7) + 0.5, Double(hour % 3))
        }
        for (decimals, zone) in [(4, "Asia/Kolkata"), (6, "UTC"), (0, "America/St_Johns"), (2, "Pacific/Chatham")] {
            var header = Self.header(zone: zone, hours: 30)
            header.ruleSet.rateDecimals = decimals
            let document = try Self.document(header: header, campaigns: [("C1", intervals)], failed: ["C9": "é"])
            #expect(try CanonicalJSON(document.json).bytes == document.bytes, "rate_decimals \(decimals), \(zone)")
        }
        let labels = try Self.document(
            header: Self.header(zone: "Asia/Kolkata"), campaigns: [("C1", [Self.interval(Self.at(0), 30, 9, 1)])],
            failed: [:]
        )
        .json["total"]?["data"]?.arrayValue?.first?["timestamp"]
        #expect(labels == "2026-11-24T05:30:00+05:30")
    }
}

extension JSONValue {
    fileprivate var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
