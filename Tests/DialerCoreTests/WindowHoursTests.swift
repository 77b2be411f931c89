import DialerCore
import Foundation
import Testing

/// A report's hours are the CXone hours (starting on the UTC hour) that start inside its window: in a zone
/// half an hour off UTC the day starts at xx:30 UTC, and the hour that began before it is the day before's.
@Suite struct WindowHoursTests {
    private static func at(_ text: String) -> Timestamp {
        (try? Timestamp(rfc3339: text)) ?? Timestamp(milliseconds: 0)
    }

    private static func row(_ text: String, _ attempted: Double) -> ObservedHour {
        ObservedHour(hour: at(text), counts: HourCounts(attempted: attempted, connected: 30, abandoned: 2))
    }

    private static func labels(_ intervals: [DerivedInterval], zone: String, window: ReportWindow) throws -> [String] {
        let header = ChartDocument.Header(
            reportID: "r-1", runID: "run-1", asOfSeq: 1, window: window, timeZone: zone, ruleSet: .seed)
        let document = try ChartDocument(
            header: header, campaigns: [("C1", intervals)], failed: [:],
            history: ObservedHistory(observedIn: [("C1", intervals)]))
        let data = try #require(document.json["campaigns"]?.arrayValue?.first?["data"]?.arrayValue)
        return data.compactMap { $0["timestamp"]?.stringValue }
    }

    @Test func aKolkataDayHasTheTwentyFourHoursThatStartInIt() throws {
        // 2026-11-24 in Asia/Kolkata (+05:30) is [2026-11-23T18:30Z, 2026-11-24T18:30Z).
        let window = ReportWindow(start: Self.at("2026-11-23T18:30:00Z"), end: Self.at("2026-11-24T18:30:00Z"))
        let rows = [
            Self.row("2026-11-23T18:00:00Z", 500),  // starts before the window: not the report's
            Self.row("2026-11-23T19:00:00Z", 100), Self.row("2026-11-24T18:00:00Z", 100),
        ]
        let derived = IntervalDeriver.derive(rows, from: window.start, to: window.end, rules: .seed)
        #expect(derived.count == 24)
        #expect(derived.first?.hour == Self.at("2026-11-23T19:00:00Z"))
        #expect(derived.first?.source == .observed)
        #expect(derived.last?.hour == Self.at("2026-11-24T18:00:00Z"))
        #expect(derived.allSatisfy { $0.counts.attempted == 100 }, "the 500 before the window fills nothing")
        let labels = try Self.labels(derived, zone: "Asia/Kolkata", window: window)
        #expect(labels.count == 24)
        #expect(labels.first == "2026-11-24T00:30:00+05:30")
        #expect(labels.last == "2026-11-24T23:30:00+05:30")
        #expect(labels.allSatisfy { $0.hasPrefix("2026-11-24T") }, "no hour labelled on the day before")
    }

    @Test func lordHoweSpringForwardDayHasTwentyThreeHours() throws {
        // 2026-10-04 in Australia/Lord_Howe: 00:00 +10:30 (2026-10-03T13:30Z) to the next midnight at +11
        // (2026-10-04T13:00Z), clocks going from 02:00 to 02:30 at 15:30Z: 23.5 hours, 23 starting in it.
        let window = ReportWindow(start: Self.at("2026-10-03T13:30:00Z"), end: Self.at("2026-10-04T13:00:00Z"))
        let rows = [Self.row("2026-10-03T14:00:00Z", 100), Self.row("2026-10-04T12:00:00Z", 100)]
        let derived = IntervalDeriver.derive(rows, from: window.start, to: window.end, rules: .seed)
        #expect(derived.count == 23)
        let labels = try Self.labels(derived, zone: "Australia/Lord_Howe", window: window)
        #expect(
            Array(labels.prefix(3)) == [
                "2026-10-04T00:30:00+10:30", "2026-10-04T01:30:00+10:30", "2026-10-04T03:00:00+11:00",
            ])
        #expect(labels.last == "2026-10-04T23:00:00+11:00")
    }

    @Test func aWindowOnTheHourStartsWithIt() {
        #expect(
            IntervalDeriver.firstHour(from: Self.at("2026-11-24T00:00:00Z"))
                == Self.at("2026-11-24T00:00:00Z").milliseconds)
        #expect(
            IntervalDeriver.firstHour(from: Self.at("2026-11-23T18:30:00Z"))
                == Self.at("2026-11-23T19:00:00Z").milliseconds)
        #expect(IntervalDeriver.firstHour(from: Self.at("1969-12-31T23:30:00Z")) == 0, "before 1970 too")
    }
}

/// A whole fall-back month: October 2026 in London, 745 hours, 25 of them on the 25th.
@Suite struct FallBackMonthTests {
    @Test func octoberInLondonHas745HoursAnd25OnTheFallBackDay() throws {
        let start = try Timestamp(rfc3339: "2026-09-30T23:00:00Z")
        let end = try Timestamp(rfc3339: "2026-11-01T00:00:00Z")
        let rows = [start, try Timestamp(rfc3339: "2026-10-31T23:00:00Z")].map {
            ObservedHour(hour: $0, counts: HourCounts(attempted: 100, connected: 40, abandoned: 2))
        }
        let derived = IntervalDeriver.derive(rows, from: start, to: end, rules: .seed)
        #expect(derived.count == 745)
        let header = ChartDocument.Header(
            reportID: "r-1", runID: "run-1", asOfSeq: 1, window: ReportWindow(start: start, end: end),
            timeZone: "Europe/London", ruleSet: .seed)
        let document = try ChartDocument(
            header: header, campaigns: [("C1", derived)], failed: [:],
            history: ObservedHistory(observedIn: [("C1", derived)]))
        let labels = try #require(document.json["campaigns"]?.arrayValue?.first?["data"]?.arrayValue).compactMap {
            $0["timestamp"]?.stringValue
        }
        #expect(labels.count == 745)
        #expect(labels.first == "2026-10-01T00:00:00+01:00")
        #expect(labels.last == "2026-10-31T23:00:00+00:00")
        #expect(labels.filter { $0.hasPrefix("2026-10-25T") }.count == 25)
        #expect(
            labels.filter { $0.hasPrefix("2026-10-25T01:00:00") } == [
                "2026-10-25T01:00:00+01:00", "2026-10-25T01:00:00+00:00",
            ])
    }
}

extension JSONValue {
    /// The elements of an array.
    fileprivate var arrayValue: [JSONValue]? { if case .array(let elements) = self { elements } else { nil } }
}
