import DialerCore
import Foundation
import Testing

/// The compliance section: rounding, the windows judged, coverage and verdicts. Expected values are
/// worked by hand in the comments.
@Suite struct ComplianceTests {
    private static let day = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z

    private static func at(_ hour: Int64) -> Timestamp {
        Timestamp(milliseconds: day.milliseconds + hour * 3_600_000)
    }

    private static func hour(_ hour: Int64, connected: Double, abandoned: Double) -> ObservedHour {
        ObservedHour(
            hour: at(hour),
            counts: HourCounts(attempted: connected + abandoned + 10, connected: connected, abandoned: abandoned))
    }

    /// The compliance section of campaign C1 for a report of `hours` hours from `day`, with `observed` as
    /// its history (the chart shows no points: the section does not depend on them).
    private static func compliance(
        _ observed: [ObservedHour], hours: Int64 = 24, rules: RuleSet = .seed
    ) throws -> JSONValue {
        let header = ChartDocument.Header(
            reportID: "r-1", runID: "run-1", asOfSeq: 42, window: ReportWindow(start: day, end: at(hours)),
            timeZone: "UTC", ruleSet: rules)
        let document = try ChartDocument(
            header: header, campaigns: [("C1", [])], failed: [:], history: ObservedHistory(hours: ["C1": observed]))
        guard case .array(let campaigns)? = document.json["campaigns"], let compliance = campaigns.first?["compliance"]
        else { throw DialerCoreError.invalidField(field: "campaigns", reason: "missing") }
        return compliance
    }

    // 1. Rounding follows rate_decimals.

    @Test(arguments: [(2, 0.67), (6, 0.666667), (4, 0.6667)])
    func complianceRatesFollowRateDecimals(decimals: Int, expected: Double) throws {
        // Every hour: 1 connected, 2 abandoned: 2 / 3 = 0.6666…, rounded half away from zero.
        var rules = RuleSet.seed
        rules.rateDecimals = decimals
        let compliance = try Self.compliance((0..<24).map { Self.hour($0, connected: 1, abandoned: 2) }, rules: rules)
        #expect(compliance["rolling_24h"]?["rate"] == .number(expected))
        #expect(compliance["rolling_30d"]?["rate"] == .number(expected))
        // The first covered 24-hour window ends at 22:00 (22 of 24 hours observed): 44 / 66.
        #expect(compliance["rolling_24h"]?["window_end"] == "2026-11-24T22:00:00.000Z")
        #expect(compliance["rolling_24h"]?["abandoned"] == 44 && compliance["rolling_24h"]?["answered"] == 66)
    }

    // 2. Every hour boundary of the report ends a window.

    @Test func aWindowWhoseWorstHourFollowsAMissingOne() throws {
        // Hours 0…47 of a 48-hour report; hour 24 is missing. Hour 0: 0 of 100 answers abandoned;
        // hours 1…23: 2 of 100; hour 25: 0 of 100; hours 26…47: 1 of 100.
        // Windows ending just after an observed hour peak at 24:00, [0, 24): 46 / 2400 = 0.019167.
        // The window ending at 25:00, after the missing hour, is [1, 25): hour 0 has left it and hour 24
        // adds nothing: 46 / 2300 = 0.02, 23 hours observed (covered: 22 needed). At 26:00 hour 25 joins
        // and hour 1 leaves: 44 / 2300. With a threshold of 0.0195 only the 25:00 window breaches.
        var observed = [Self.hour(0, connected: 100, abandoned: 0)]
        observed += (1...23).map { Self.hour($0, connected: 98, abandoned: 2) }
        observed.append(Self.hour(25, connected: 100, abandoned: 0))
        observed += (26...47).map { Self.hour($0, connected: 99, abandoned: 1) }
        var rules = RuleSet.seed
        rules.complianceThreshold = 0.0195
        let compliance = try Self.compliance(observed, hours: 48, rules: rules)
        let rolling = try #require(compliance["rolling_24h"])
        #expect(rolling["window_end"] == "2026-11-25T01:00:00.000Z")
        #expect(rolling["rate"] == 0.02)
        #expect(rolling["abandoned"] == 46 && rolling["answered"] == 2300)
        #expect(rolling["observed_hours"] == 23)
        #expect(rolling["verdict"] == "breach" && rolling["breach"] == true)
        // 48 windows end in the report; those ending at 22:00 through 48:00 have 22 or more hours.
        #expect(rolling["windows"] == 48 && rolling["windows_covered"] == 27)
        #expect(compliance["observed_hours"] == 47)
    }

    // 3. Coverage and verdicts.

    @Test func coverageBelowNinetyPercentGivesInsufficientData() throws {
        // 21 observed hours of 24 (22 needed): 10 of 100 answers abandoned, 0.1, far above 3 %, yet no
        // window is covered, so no verdict: the figure is shown for information only.
        let compliance = try Self.compliance((0..<21).map { Self.hour($0, connected: 90, abandoned: 10) })
        let rolling = try #require(compliance["rolling_24h"])
        #expect(rolling["verdict"] == "insufficient_data" && rolling["breach"] == false)
        // Every window's rate is 0.1; the first, [-23, 1), is shown (ties: the earliest).
        #expect(rolling["rate"] == 0.1 && rolling["observed_hours"] == 1)
        #expect(rolling["windows"] == 24 && rolling["windows_covered"] == 0)
        #expect(compliance["rolling_30d"]?["verdict"] == "insufficient_data")
        #expect(compliance["rolling_30d"]?["window_hours"] == 720)
    }

    @Test func thirtyDaysOfHistoryGiveTheThirtyDayWindowAVerdict() throws {
        // Hours -720…23 observed, 2 of 100 answers abandoned in each: every 30-day window ending in the
        // report has 720 of 720 hours, 1,440 / 72,000 = 0.02.
        let compliance = try Self.compliance((-720..<24).map { Self.hour($0, connected: 98, abandoned: 2) })
        let rolling = try #require(compliance["rolling_30d"])
        #expect(rolling["verdict"] == "pass" && rolling["breach"] == false)
        #expect(rolling["rate"] == 0.02 && rolling["observed_hours"] == 720)
        #expect(rolling["abandoned"] == 1_440 && rolling["answered"] == 72_000)
        #expect(rolling["windows"] == 24 && rolling["windows_covered"] == 24)
        #expect(rolling["window_end"] == "2026-11-24T01:00:00.000Z")
        #expect(compliance["observed_hours"] == 24, "hours inside the report's window")
    }

    @Test(arguments: [(72, "breach"), (73, "insufficient_data")])
    func ninetyPercentIs648Of720Hours(missing: Int64, verdict: String) throws {
        // A one-hour report: one window, [-719, 1). With 72 hours missing 648 are observed (90 %): a
        // verdict; with 73, 647: none. 4 of 100 abandoned, 0.04 > 0.03.
        let observed = (-719..<1).filter { $0 >= -719 + missing }.map { Self.hour($0, connected: 96, abandoned: 4) }
        let rolling = try #require(try Self.compliance(observed, hours: 1)["rolling_30d"])
        #expect(rolling["verdict"] == .string(verdict))
        #expect(rolling["observed_hours"] == .int(720 - missing))
        #expect(rolling["rate"] == 0.04)
    }

    @Test func theNewestObservationOfAnHourWinsAndNegativeHoursAreLeftOut() {
        let history = ObservedHistory(hours: [
            "C1": [
                Self.hour(1, connected: 10, abandoned: 1), Self.hour(0, connected: 5, abandoned: 0),
                Self.hour(1, connected: 20, abandoned: 2), Self.hour(2, connected: 5, abandoned: 0),
                Self.hour(2, connected: -1, abandoned: 0),
            ]
        ])
        #expect(history["C1"] == [Self.hour(0, connected: 5, abandoned: 0), Self.hour(1, connected: 20, abandoned: 2)])
    }

    @Test func historyIsReadFromEveryRunsPagesThroughTheAsOfPointOnly() async throws {
        func row(_ hour: Int64, _ abandoned: Int64) -> JSONValue {
            [
                "date": .string(Self.at(hour).rfc3339), "calls_attempted": 100, "calls_connected": 40,
                "abandoned": .int(abandoned),
            ]
        }
        func page(_ campaign: String, _ rows: [JSONValue], path: Bool = true, from: Int64 = 0, to: Int64 = 24)
            -> EventDraft
        {
            var request: [String: JSONValue] = [
                "start_date": .string(Self.at(from).rfc3339), "end_date": .string(Self.at(to).rfc3339),
                "interval": "HOURLY",
            ]
            if path { request["path"] = "/report" }
            return EventDraft(
                type: ReportEvent.pageFetched, stream: "run:\(campaign)",
                payload: [
                    "campaign_id": .string(campaign), "status": 200, "request": .object(request), "rows": .array(rows),
                ])
        }
        let store = InMemoryEventStore(clock: { Self.day })
        _ = try await store.append([
            page("C1", [row(0, 1), row(1, 1), row(30, 9)]),  // hour 30 is outside the page's window: ignored
            page("C2", [row(0, 7)]),  // another campaign
            page("C1", [row(1, 2), row(2, -1)], path: false),  // newer: hour 1 is now 2; hour 2 is negative
            page("C1", [row(3, 1), ["date": "yesterday"]]),  // a row of the wrong shape: the page gives nothing
        ])
        _ = try await store.append([page("C1", [row(0, 5)])])  // after the as-of point (seq 4)
        let history = try await store.withSnapshot { snapshot in
            try ObservedHistory.read(
                campaigns: ["C1"], from: Self.at(-100), to: Self.at(100), snapshot: snapshot, throughSeq: 4)
        }
        #expect(history["C1"].map(\.hour) == [Self.at(0), Self.at(1)])
        #expect(history["C1"].map(\.counts.abandoned) == [1, 2])
        #expect(history["C2"].isEmpty)
    }
}
