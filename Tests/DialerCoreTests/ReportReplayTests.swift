import DialerCore
import Foundation
import Testing

/// The report projection and the rule-change diff over a hand-built log.
@Suite struct ReportReplayTests {
    private let hour: Int64 = 3_600_000
    private let start = Timestamp(milliseconds: 1_796_000_000_000 - 1_796_000_000_000 % 86_400_000)

    private func at(_ index: Int64) -> Timestamp { Timestamp(milliseconds: start.milliseconds + index * hour) }

    private func row(_ index: Int64, _ attempted: Int64, _ connected: Int64, _ abandoned: Int64) -> JSONValue {
        [
            "date": .string(at(index).rfc3339Seconds), "calls_attempted": .int(attempted),
            "calls_connected": .int(connected), "abandoned": .int(abandoned), "avg_talk_time": 90.5,
        ]
    }

    /// A log holding one run over hours 0..<4: rows at 0 (100/40/2) and 3 (40/10/1), so hours 1 and 2 are
    /// gaps, derived under `rules` as the pipeline does.
    private func log(rules: RuleSet) async throws -> (InMemoryEventStore, UUID) {
        let store = InMemoryEventStore(clock: { Timestamp(milliseconds: 1_796_000_000_000) })
        let runID = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
        let window = ReportWindow(start: start, end: at(4))
        let started = ReportRunStarted(
            runID: runID, reportID: "rpt-test", trigger: .adhoc, campaigns: ["C1"], window: window, timeZone: "UTC",
            ruleSet: rules)
        let page = MetricPageFetched(
            campaignID: "C1", window: window, path: "/report", status: 200,
            rows: [row(0, 100, 40, 2), row(3, 40, 10, 1)])
        let stream = ReportEvent.runStream(runID)
        var drafts = [
            EventDraft(type: ReportEvent.ruleSetActivated, stream: "rules:x", payload: RuleSetActivated(rules).json),
            EventDraft(type: ReportEvent.runStarted, stream: stream, payload: started.json),
            EventDraft(type: ReportEvent.pageFetched, stream: stream, payload: page.json),
        ]
        for interval in try page.derive(under: rules) {
            drafts.append(
                EventDraft(
                    type: ReportEvent.intervalDerived, stream: stream,
                    payload: IntervalDerivedPayload(
                        campaignID: "C1", interval: interval, ruleSet: rules.id, ruleSetHash: rules.hash
                    ).json))
        }
        _ = try await store.append(drafts)
        return (store, runID)
    }

    @Test func aRecordedReportIsItsRecordedJSONOrAPageAndACSVOfTheSameHours() async throws {
        let (store, runID) = try await log(rules: .seed)
        let head = try await store.withSnapshot { try $0.lastSequence() }
        let chart = try await store.withSnapshot {
            try RecordedRun(runID: runID, snapshot: $0, throughSeq: head).chart(asOfSeq: head).bytes
        }
        let generated = ReportGenerated(
            reportID: "rpt-test", runID: runID, asOfSeq: head, ruleSet: .seed, document: chart, failed: [])
        _ = try await store.append([
            EventDraft(type: ReportEvent.generated, stream: ReportEvent.runStream(runID), payload: generated.json)
        ])
        let report = try await RecordedReport.read(reportID: "rpt-test", store: store)
        #expect(try report.bytes(.json) == chart)
        let page = String(decoding: try report.bytes(.html), as: UTF8.self)
        #expect(page.contains("Report SHA-256 <code>\(SHA256Digest.of(chart).hex)</code>"))
        #expect(page.contains("As of log sequence <strong>\(head)</strong>"))
        let csv = String(decoding: try report.bytes(.csv), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(
            csv.filter { $0.hasPrefix("C1,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false)[8] }
                == [
                    "observed", "interpolated", "interpolated", "observed",
                ])
        #expect(
            ReportFormat.allCases.map(\.mediaType) == [
                "application/json", "text/html; charset=utf-8", "text/csv; charset=utf-8; header=present",
            ])
    }

    @Test func theRunFoldsBackFromItsEventsAndItsChartIsStable() async throws {
        let (store, runID) = try await log(rules: .seed)
        var charts: [[UInt8]] = []
        for _ in 0..<2 {
            charts.append(
                try await store.withSnapshot { snapshot in
                    try RecordedRun(runID: runID, snapshot: snapshot, throughSeq: 100).chart(asOfSeq: 100).bytes
                })
        }
        #expect(charts[0] == charts[1])
        let run = try await store.withSnapshot { try RecordedRun(runID: runID, snapshot: $0, throughSeq: .max) }
        #expect(run.ruleSet == .seed)
        #expect(run.intervals["C1"]?.map(\.source) == [.observed, .interpolated, .interpolated, .observed])
        #expect(run.intervals["C1"]?[1].counts == HourCounts(attempted: 80, connected: 30, abandoned: 5.0 / 3))
    }

    @Test func aRuleChangeGivesTheHandComputedDiff() async throws {
        let (store, runID) = try await log(rules: .seed)
        let run = try await store.withSnapshot { try RecordedRun(runID: runID, snapshot: $0, throughSeq: .max) }
        let diff = ReportDiff(
            reportID: "rpt-test", campaigns: ["C1"], recorded: run.intervals,
            rederived: try run.rederived(under: .zeroFill), before: .seed, after: .zeroFill)
        #expect(diff.compared == 4)
        #expect(diff.changed == 2)
        guard case .array(let changes)? = diff.json["changes"] else { throw CancellationError() }
        #expect(changes.map { $0["hour"]?.stringValue } == [at(1).rfc3339Seconds, at(2).rfc3339Seconds])
        // Hour 1 under the seed: a third of the way from 100/40/2 to 40/10/1; under zero-fill: 0, dropped.
        #expect(changes[0]["before"]?["calls_attempted"] == .int(80))
        #expect(changes[0]["before"]?["source"] == "interpolated")
        #expect(changes[0]["after"]?["calls_attempted"] == .int(0))
        #expect(changes[0]["after"]?["dropped_by"] == "min_calls")
        let recorded = try run.chart(asOfSeq: 9).bytes
        let rederived = try run.chart(rederivedUnder: .seed, asOfSeq: 9).bytes
        #expect(recorded == rederived, "re-deriving under the same rules reproduces what was sent")
    }

    @Test func storedPayloadsReadBackAndBadOnesNameTheField() throws {
        let window = ReportWindow(start: start, end: at(24))
        let started = ReportRunStarted(
            runID: UUID(), reportID: "r", trigger: .cron, campaigns: ["A", "B"], window: window, timeZone: "UTC",
            ruleSet: .zeroFill)
        #expect(try ReportRunStarted(json: started.json) == started)
        let failed = MetricFetchFailed(campaignID: "A", window: window, reason: "HTTP 404", status: 404, attempts: 1)
        #expect(try MetricFetchFailed(json: failed.json) == failed)
        let generated = ReportGenerated(
            reportID: "r", runID: UUID(), asOfSeq: 9, ruleSet: .seed, document: [1, 2, 3], failed: ["A"])
        #expect(try ReportGenerated(json: generated.json) == generated)
        #expect(try RuleSetActivated(json: RuleSetActivated(.zeroFill).json).ruleSet == .zeroFill)
        var tampered = RuleSetActivated(.seed).json
        if case .object(var fields) = tampered {
            fields["hash"] = .string(RuleSet.zeroFill.hash.hex)
            tampered = .object(fields)
        }
        #expect(throws: DialerCoreError.invalidField(field: "payload.hash", reason: "does not match the content")) {
            try RuleSetActivated(json: tampered)
        }
        #expect(throws: DialerCoreError.invalidField(field: "payload.trigger", reason: "must be cron, adhoc or manual"))
        {
            var json = started.json
            if case .object(var fields) = json {
                fields["trigger"] = "sometimes"
                json = .object(fields)
            }
            _ = try ReportRunStarted(json: json)
        }
    }

    @Test func derivedHoursReadStraightFromCanonicalBytesAsTheGeneralReaderDoes() throws {
        let hash = RuleSet.seed.hash
        let cases = [
            IntervalDerivedPayload(
                campaignID: "C1",
                interval: DerivedInterval(
                    hour: at(3), counts: HourCounts(attempted: 80, connected: 30, abandoned: 5.0 / 3),
                    source: .interpolated, droppedBy: nil),
                ruleSet: "seed", ruleSetHash: hash),
            IntervalDerivedPayload(
                campaignID: "Ünïcode-Ω",
                interval: DerivedInterval(
                    hour: at(0), counts: HourCounts(attempted: 3, connected: 0, abandoned: -2), source: .observed,
                    droppedBy: "negative_counts"),
                ruleSet: "zero-fill", ruleSetHash: hash),
            IntervalDerivedPayload(
                campaignID: "C2",
                interval: DerivedInterval(hour: at(5), counts: .zero, source: .filled, droppedBy: "min_calls"),
                ruleSet: "seed", ruleSetHash: hash),
        ]
        for payload in cases {
            let bytes = try CanonicalJSON(payload.json).bytes
            let fast = bytes.withUnsafeBytes { IntervalDerivedPayload(canonical: $0) }
            #expect(fast == payload)
            #expect(try IntervalDerivedPayload(json: JSONParser.parse(bytes)) == payload)
        }
        let escaped = Array(#"{"calls_abandoned":0,"calls_attempted":1,"calls_connected":1,"campaign_id":"a\"b","#.utf8)
        #expect(escaped.withUnsafeBytes { IntervalDerivedPayload(canonical: $0) } == nil, "escapes go the general way")
        let truncated = try Array(CanonicalJSON(cases[0].json).bytes.dropLast())
        #expect(truncated.withUnsafeBytes { IntervalDerivedPayload(canonical: $0) } == nil)
    }
}
