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
    /// What the chart as recorded was built from: the page and the CSV are rendered from it.
    public var content: ReportContent
    /// The chart and the diff under another rule set, when one was asked for.
    public var rederived: Rederived?

    /// A re-derivation under another rule set.
    public struct Rederived: Sendable {
        /// The rule set the recorded pages were derived under again.
        public var rules: RuleSet
        /// The chart under `rules`.
        public var chart: [UInt8]
        /// What that chart was built from.
        public var content: ReportContent
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
        let content = run.content(asOfSeq: generated.asOfSeq)
        var replay = ReportReplay(
            run: run, generated: generated, generatedSeq: seq, recorded: try ChartDocument(content).bytes,
            content: content)
        if let rules {
            let rederived = try run.content(rederivedUnder: rules, asOfSeq: generated.asOfSeq)
            let diff = ReportDiff(
                reportID: generated.reportID, campaigns: run.reportedCampaigns, recorded: run.intervals,
                rederived: Dictionary(uniqueKeysWithValues: rederived.campaigns.map { ($0.id, $0.intervals) }),
                before: run.ruleSet, after: rules)
            replay.rederived = Rederived(
                rules: rules, chart: try ChartDocument(rederived).bytes, content: rederived, diff: diff)
        }
        return .replayed(replay)
    }

    /// Whether the chart rebuilt as recorded has the SHA-256 recorded when the report was generated.
    public var matchesRecording: Bool { SHA256Digest.of(recorded) == generated.sha256 }

    /// What a replay writes: the re-derived report (or with `diff`, the diff, which is JSON only) when
    /// re-derived, else the report as recorded; as `format` (the chart JSON, the page or the CSV).
    public func document(_ format: ReportFormat = .json, diff: Bool) throws -> [UInt8] {
        guard let rederived else { return try format.render(chart: recorded, content: content) }
        if diff { return try CanonicalJSON(rederived.diff.json).bytes }
        return try format.render(chart: rederived.chart, content: rederived.content)
    }
}
