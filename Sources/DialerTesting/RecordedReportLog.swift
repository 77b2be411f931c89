import DialerCore
import Foundation

/// An in-memory log holding one report run for campaign `C1` under the seed rules (no page fetched) and its
/// `ReportGenerated` as report `rpt-1`: for tests of reading a report back, soundly or not.
public enum RecordedReportLog {
    /// The run's id.
    public static let runID = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!

    /// The log at `now`. `recording` replaces the chart whose SHA-256 `ReportGenerated` records (a report that
    /// no longer matches its bytes); `derived` is appended to the run as an `IntervalDerived` payload first.
    public static func make(at now: Timestamp, recording: [UInt8]? = nil, derived: JSONValue? = nil) async throws
        -> InMemoryEventStore
    {
        let store = InMemoryEventStore(clock: { now })
        let window = ReportWindow(start: now, end: Timestamp(milliseconds: now.milliseconds + 3_600_000))
        let started = ReportRunStarted(
            runID: runID, reportID: "rpt-1", trigger: .adhoc, campaigns: ["C1"], window: window, timeZone: "UTC",
            ruleSet: .seed)
        let stream = ReportEvent.runStream(runID)
        var drafts = [EventDraft(RuleSetActivated(.seed), stream: "rules:seed"), EventDraft(started, stream: stream)]
        if let derived { drafts.append(EventDraft(type: "IntervalDerived", stream: stream, payload: derived)) }
        _ = try await store.append(drafts)
        let head = try await store.lastSequence()
        let chart = try await store.withSnapshot {
            try RecordedRun(runID: runID, snapshot: $0, throughSeq: head).chart(asOfSeq: head).bytes
        }
        let generated = ReportGenerated(
            reportID: "rpt-1", runID: runID, asOfSeq: head, ruleSet: .seed, document: recording ?? chart, failed: [])
        _ = try await store.append([EventDraft(generated, stream: stream)])
        return store
    }
}
