import CXone
import CXoneSimulator
import DialerCore
import Foundation
import Testing

@testable import Pipelines

/// A run may cover 31 calendar days in its zone: October 2026 in London is 745 hours (BST ends on the 25th).
@Suite struct ReportMonthTests {
    private static func at(_ text: String) -> Timestamp {
        (try? Timestamp(rfc3339: text)) ?? Timestamp(milliseconds: 0)
    }

    /// 2026-10-01T00:00+01:00 to 2026-11-01T00:00Z: 31 days, 745 hours.
    static let londonOctober = ReportWindow(start: at("2026-09-30T23:00:00Z"), end: at("2026-11-01T00:00:00Z"))

    private static func request(_ window: ReportWindow, zone: String) -> ReportRequest {
        var request = ReportRequest(campaigns: ["CAMPAIGN_001"], window: window)
        request.timeZone = zone
        return request
    }

    private static func refusal(_ request: ReportRequest) -> String? {
        do {
            try request.validate(ReportLimits())
            return nil
        } catch let DialerCoreError.invalidField(field, _) {
            return field
        } catch {
            return "\(error)"
        }
    }

    @Test func aFallBackMonthOf745HoursIsThirtyOneDays() {
        #expect(Self.refusal(Self.request(Self.londonOctober, zone: "Europe/London")) == nil)
        // 2026-10-15T00:00-04:00 to 2026-11-15T00:00-05:00 in New York: 31 days over the fall-back, 745 hours.
        let newYork = ReportWindow(start: Self.at("2026-10-15T04:00:00Z"), end: Self.at("2026-11-15T05:00:00Z"))
        #expect(Self.refusal(Self.request(newYork, zone: "America/New_York")) == nil)
    }

    @Test func moreThanThirtyOneDaysInTheZoneIsRefusedNamingTheWindow() {
        // The same 745 hours are 31 days and an hour in UTC.
        #expect(Self.refusal(Self.request(Self.londonOctober, zone: "UTC")) == "window")
        let hourMore = ReportWindow(start: Self.londonOctober.start, end: Self.at("2026-11-01T01:00:00Z"))
        #expect(Self.refusal(Self.request(hourMore, zone: "Europe/London")) == "window")
        // March 2026 in London has 743 hours (BST starts on the 29th); a day more is refused.
        let march = ReportWindow(start: Self.at("2026-03-01T00:00:00Z"), end: Self.at("2026-03-31T23:00:00Z"))
        #expect(Self.refusal(Self.request(march, zone: "Europe/London")) == nil)
        let april1 = ReportWindow(start: march.start, end: Self.at("2026-04-01T23:00:00Z"))
        #expect(Self.refusal(Self.request(april1, zone: "Europe/London")) == "window")
    }

    @Test func aFallBackMonthRunsEndToEndInTwoRequests() async throws {
        try await ReportHarness.with { h in
            let outcome = try await h.runner.run(Self.request(Self.londonOctober, zone: "Europe/London"))
            #expect(outcome.run.failures.isEmpty)
            let requests = h.simulator.requests().filter { $0.endpoint == .report }
            #expect(requests.map(\.status) == [200, 200], "744 hours, then the last one")
            let intervals = try #require(outcome.run.intervals["CAMPAIGN_001"])
            #expect(intervals.count == 745)
            #expect(intervals.first?.hour == Self.at("2026-09-30T23:00:00Z"))
            #expect(intervals.last?.hour == Self.at("2026-10-31T23:00:00Z"))
            let page = try #require(try outcome.run.page("CAMPAIGN_001"))
            #expect(page.window == Self.londonOctober)
            #expect(page.path.split(separator: " ").count == 2)
            #expect(page.path.contains("start_date=2026-10-31T23:00:00Z&end_date=2026-11-01T00:00:00Z"))
            let chart = try JSONParser.parse(outcome.document)
            let labels = try #require(chart["campaigns"]?.arrayValue?.first?["data"]?.arrayValue).compactMap {
                $0["timestamp"]?.stringValue
            }
            #expect(labels.allSatisfy { $0.hasPrefix("2026-10-") })
        }
    }
}

extension JSONValue {
    /// The elements of an array.
    fileprivate var arrayValue: [JSONValue]? { if case .array(let elements) = self { elements } else { nil } }
}
