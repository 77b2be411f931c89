import DialerCore

/// A report rebuilt from the log alone (`dialer-ledger replay` and `POST /api/v1/replay`): as recorded, from
/// the stored derived hours, which must reproduce the SHA-256 its `ReportGenerated` holds; and, given another
/// rule set, re-derived from the recorded CXone pages, with the per campaign-hour diff. Appends nothing.
public struct ReportReplay: Sendable {
    /// The report's run as the log holds it.
    public var run: RecordedRun
    /// The report's `ReportGenerated` payload.
    public var generated: ReportGenerated
    /// The sequence of that `ReportGenerated` event.
    public var generatedSeq: UInt64
    /// The chart rebuilt as recorded.
    public var recorded: [UInt8]
    /// The chart and the diff under another rule set, when one was asked for.
    public var rederived: Rederived?

    /// A re-derivation under another rule set.
    public struct Rederived: Sendable {
        /// The rule set the recorded pages were derived under again.
        public var rules: RuleSet
        /// The chart under `rules`.
        public var chart: [UInt8]
        /// What changes per campaign-hour against what was sent.
        public var diff: ReportDiff
    }

    /// What a replay found: the report replayed, or no such report through the point read.
    public enum Lookup: Sendable {
        /// The report, replayed.
        case replayed(ReportReplay)
        /// No report (`reportID`, or none at all when nil) in the log through `throughSeq`.
        case noReport(throughSeq: UInt64)
    }

    /// Replays `reportID` (nil: the newest report) as the log stood at `asOf` (nil: now), re-deriving under
    /// `rules` when given; `progress` hears the report's id and how many of its run's events were read, now and
    /// then.
    public static func replay(
        _ reportID: String?, asOf: AsOf?, rules: RuleSet?, snapshot: any EventSnapshot,
        progress: ((String, Int) -> Void)? = nil
    ) throws -> Lookup {
        let point = try asOf?.resolve(in: snapshot) ?? snapshot.lastSequence()
        guard let (generated, seq) = try RecordedRun.report(reportID, snapshot: snapshot, throughSeq: point) else {
            return .noReport(throughSeq: point)
        }
        let run = try RecordedRun(
            runID: generated.runID, snapshot: snapshot, throughSeq: generated.asOfSeq,
            progress: progress.map { hear in { hear(generated.reportID, $0) } })
        var replay = ReportReplay(
            run: run, generated: generated, generatedSeq: seq, recorded: try run.chart(asOfSeq: generated.asOfSeq).bytes
        )
        if let rules {
            let diff = ReportDiff(
                reportID: generated.reportID, campaigns: run.reportedCampaigns, recorded: run.intervals,
                rederived: try run.rederived(under: rules), before: run.ruleSet, after: rules)
            replay.rederived = Rederived(
                rules: rules, chart: try run.chart(rederivedUnder: rules, asOfSeq: generated.asOfSeq).bytes, diff: diff)
        }
        return .replayed(replay)
    }

    /// Whether the chart rebuilt as recorded has the SHA-256 recorded when the report was generated.
    public var matchesRecording: Bool { SHA256Digest.of(recorded) == generated.sha256 }

    /// What a replay writes: the re-derived chart (or with `diff`, the diff) when re-derived, else the chart
    /// as recorded.
    public func document(diff: Bool) throws -> [UInt8] {
        guard let rederived else { return recorded }
        return diff ? try CanonicalJSON(rederived.diff.json).bytes : rederived.chart
    }
}
