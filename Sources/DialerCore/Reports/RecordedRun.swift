import Foundation

/// A report run as its events recorded it, folded from the log through an as-of point: the start, the
/// rule set, every page, failure and derived hour, and the report. Pure: it reads only the snapshot it
/// is given, so the same log prefix always gives the same run and the same chart bytes.
public struct RecordedRun: Sendable {
    public var started: ReportRunStarted
    /// The rule set the run derived its hours under.
    public var ruleSet: RuleSet
    /// Pages by campaign, as their canonical payload bytes: read only when re-deriving (`page(_:)`), since
    /// a replay as recorded needs only to know they are there.
    private var pageBytes: [String: [UInt8]] = [:]
    /// Failures by campaign.
    public var failures: [String: MetricFetchFailed] = [:]
    /// Derived hours by campaign, as recorded.
    public var intervals: [String: [DerivedInterval]] = [:]
    /// The report, when it was generated through the as-of point.
    public var generated: ReportGenerated?
    /// The sequence of `ReportGenerated`.
    public var generatedSeq: UInt64?
    /// The reported campaigns' observed hours as the log held them through the point folded to (this
    /// run's pages and earlier runs'), over the hours the compliance windows reach: what the compliance
    /// section is computed from, as recorded and re-derived alike.
    public var history: ObservedHistory = .empty

    /// Folds the events of run `runID` (its `run:` stream) through `throughSeq`, and reads the reported
    /// campaigns' observed history through the same point; `progress`, when given, hears the count of
    /// the run's events read every `progressEvery` events.
    public init(
        runID: UUID, snapshot: any EventSnapshot, throughSeq: UInt64, progressEvery: Int = 100_000,
        progress: ((Int) -> Void)? = nil
    ) throws {
        var read = 0
        var started: ReportRunStarted?
        var pages: [String: [UInt8]] = [:]
        var failures: [String: MetricFetchFailed] = [:]
        var intervals: [String: [DerivedInterval]] = [:]
        var generated: (ReportGenerated, UInt64)?
        let query = EventQuery(stream: ReportEvent.runStream(runID), throughSeq: throughSeq)
        try snapshot.scanInPlace(query) { view in
            read += 1
            if let progress, read % progressEvery == 0 { progress(read) }
            switch view.type {
            case ReportEvent.runStarted:
                started = try ReportRunStarted(view)
            case ReportEvent.pageFetched:
                var scan = CanonicalScanner(bytes: view.payloadBytes)
                if scan.literal(#"{"campaign_id":"#), let campaign = scan.string() {
                    pages[String(decoding: campaign, as: UTF8.self)] = Array(view.payloadBytes)
                } else {
                    pages[try MetricPageFetched(view).campaignID] = Array(view.payloadBytes)
                }
            case ReportEvent.fetchFailed:
                let failure = try MetricFetchFailed(view)
                failures[failure.campaignID] = failure
            case ReportEvent.intervalDerived:
                let derived = try IntervalDerivedPayload(canonical: view.payloadBytes) ?? IntervalDerivedPayload(view)
                intervals[derived.campaignID, default: []].append(derived.interval)
            case ReportEvent.generated:
                generated = (try ReportGenerated(view), view.seq)
            default:
                break
            }
            return true
        }
        guard let started else {
            throw DialerCoreError.corrupt(
                seq: nil,
                reason: "no ReportRunStarted for run \(runID.uuidString.lowercased()) through seq \(throughSeq)")
        }
        guard let ruleSet = try Self.ruleSet(hash: started.ruleSetHash, snapshot: snapshot, throughSeq: throughSeq)
        else {
            throw DialerCoreError.corrupt(
                seq: nil, reason: "no RuleSetActivated with hash \(started.ruleSetHash.hex) through seq \(throughSeq)")
        }
        self.started = started
        self.ruleSet = ruleSet
        pageBytes = pages
        self.failures = failures
        self.intervals = intervals
        self.generated = generated?.0
        generatedSeq = generated?.1
        let range = ObservedHistory.range(for: started.window)
        history = try ObservedHistory.read(
            campaigns: Set(reportedCampaigns), from: range.from, to: range.to, snapshot: snapshot,
            throughSeq: throughSeq)
    }

    /// The recorded page of `campaign`, read from its stored bytes; nil when none was recorded.
    public func page(_ campaign: String) throws -> MetricPageFetched? {
        guard let bytes = pageBytes[campaign] else { return nil }
        return try MetricPageFetched(json: JSONParser.parse(bytes))
    }

    /// The chart as recorded: the stored derived hours, as of `asOfSeq`.
    public func chart(asOfSeq: UInt64) throws -> ChartDocument {
        try ChartDocument(content(asOfSeq: asOfSeq))
    }

    /// The chart re-derived from the recorded pages under `rules`.
    public func chart(rederivedUnder rules: RuleSet, asOfSeq: UInt64) throws -> ChartDocument {
        try ChartDocument(content(rederivedUnder: rules, asOfSeq: asOfSeq))
    }

    /// The report's content as recorded: the stored derived hours, as of `asOfSeq`.
    public func content(asOfSeq: UInt64) -> ReportContent {
        content(intervals: intervals, ruleSet: ruleSet, asOfSeq: asOfSeq)
    }

    /// The report's content re-derived from the recorded pages under `rules`.
    public func content(rederivedUnder rules: RuleSet, asOfSeq: UInt64) throws -> ReportContent {
        content(intervals: try rederived(under: rules), ruleSet: rules, asOfSeq: asOfSeq)
    }

    /// Every reported campaign's hours derived again from its recorded page under `rules`.
    public func rederived(under rules: RuleSet) throws -> [String: [DerivedInterval]] {
        var result: [String: [DerivedInterval]] = [:]
        for campaign in reportedCampaigns {
            result[campaign] = try page(campaign)!.derive(under: rules)
        }
        return result
    }

    /// The campaigns the chart shows: those with a page and no failure, in the run's order.
    public var reportedCampaigns: [String] {
        started.campaigns.filter { pageBytes[$0] != nil && failures[$0] == nil }
    }

    private func content(intervals: [String: [DerivedInterval]], ruleSet: RuleSet, asOfSeq: UInt64) -> ReportContent {
        var failed = failures.mapValues(\.reason)
        for campaign in started.campaigns where pageBytes[campaign] == nil && failures[campaign] == nil {
            failed[campaign] = "no page recorded as of seq \(asOfSeq)"
        }
        let header = ChartDocument.Header(
            reportID: started.reportID, runID: started.runID.uuidString.lowercased(), asOfSeq: asOfSeq,
            window: started.window, timeZone: started.timeZone, ruleSet: ruleSet)
        return ReportContent(
            header: header, campaigns: reportedCampaigns.map { ($0, intervals[$0] ?? []) }, failed: failed,
            history: history)
    }

    /// The rule set with `hash` recorded through `throughSeq`.
    public static func ruleSet(hash: SHA256Digest, snapshot: any EventSnapshot, throughSeq: UInt64) throws -> RuleSet? {
        var found: RuleSet?
        try snapshot.scanInPlace(EventQuery(type: ReportEvent.ruleSetActivated, throughSeq: throughSeq)) { view in
            let activated = try RuleSetActivated(view)
            if activated.ruleSet.hash == hash { found = activated.ruleSet }
            return found == nil
        }
        return found
    }

    /// The `ReportGenerated` of `reportID` through `throughSeq` (nil for the newest report), with its sequence:
    /// a report by id is found through the report directory. Synthetic ones (`dialer-ledger sample`, without
    /// a `run_id`) are no run's report and are passed over.
    public static func report(_ reportID: String?, snapshot: any EventSnapshot, throughSeq: UInt64) throws
        -> (ReportGenerated, UInt64)?
    {
        guard let reportID else { return try newestReport(snapshot: snapshot, throughSeq: throughSeq) }
        guard let seq = try ReportDirectory.generatedSeq(reportID, snapshot: snapshot, throughSeq: throughSeq),
            let event = try snapshot.envelope(at: seq)
        else { return nil }
        return (try ReportGenerated(stored: try JSONParser.parse(event.payload.bytes), seq: seq), seq)
    }

    private static func newestReport(snapshot: any EventSnapshot, throughSeq: UInt64) throws
        -> (ReportGenerated, UInt64)?
    {
        var found: (ReportGenerated, UInt64)?
        let query = EventQuery(type: ReportEvent.generated, throughSeq: throughSeq, newestFirst: true)
        try snapshot.scanInPlace(query) { view in
            let json = try DialerCoreError.readingStored(seq: view.seq, type: view.type) {
                try JSONParser.parse(Array(view.payloadBytes))
            }
            guard json["run_id"] != nil else { return true }
            found = (try ReportGenerated(stored: json, seq: view.seq), view.seq)
            return false
        }
        return found
    }
}

extension MetricPageFetched {
    /// Every hour of the page's window derived from its rows under `rules`.
    public func derive(under rules: RuleSet) throws -> [DerivedInterval] {
        IntervalDeriver.derive(try observedHours(), from: window.start, to: window.end, rules: rules)
    }
}
