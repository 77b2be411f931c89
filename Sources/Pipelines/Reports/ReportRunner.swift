import CXone
import DialerCore
import Foundation
import Logging
import Tracing

/// Where a report run gets a campaign's hourly page: the CXone client, or anything that answers as it.
public protocol CampaignReportSource: Sendable {
    /// The hourly report of `campaignID` for [start, end).
    func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage
}

extension CXoneClient: CampaignReportSource {}

/// What a run produced.
public struct ReportOutcome: Sendable {
    /// The `ReportGenerated` event's payload (id, as-of point, SHA-256, size, failed campaigns).
    public var generated: ReportGenerated
    /// The sequence of the `ReportGenerated` event.
    public var generatedSeq: UInt64
    /// The chart document's canonical bytes.
    public var document: [UInt8]
    /// The run as recorded, for summaries.
    public var run: RecordedRun
}

/// A run in which no campaign could be fetched: recorded as `ReportRunFailed`, with no report.
public struct ReportRunFailure: CategorizedError, Equatable {
    /// The id the report would have had.
    public var reportID: String
    /// The cause in words an operator can act on.
    public var reason: String
    /// Every campaign of the run.
    public var failed: [String]
    /// Whether CXone refused every campaign as asked (a 4xx such as 404, no such campaign): the request's
    /// fault, not CXone's or the credentials'.
    public var refusedAsAsked: Bool

    public var description: String { "no campaign could be fetched: \(reason)" }

    /// Invalid `campaign_ids` when CXone refused every campaign as asked; else CXone is unavailable.
    public var category: ErrorCategory { refusedAsAsked ? .invalid(field: "campaign_ids") : .unavailable }
}

/// A dialer report run: records the start and the rule set, fetches every campaign (bounded concurrency,
/// staggered starts), records each page exactly as received with its derived hours, or the failure,
/// then builds the chart from what it recorded and records `ReportGenerated` with its SHA-256. One
/// campaign failing does not sink the others; when every campaign failed, the run is recorded as
/// `ReportRunFailed` and throws `ReportRunFailure`: no report. The chart is the projection of the log, so
/// replaying the run gives the same bytes. Once the run's end is recorded it is counted by trigger and outcome
/// (complete, partial, failed), and a job's run sets the job's gauges (`OutcomeMetrics`). Each run is traced as
/// a `report run` span (the root of its trace unless a request's span encloses it) over its CXone calls,
/// appends and what `then` does with the outcome.
public struct ReportRunner: Sendable {
    let store: any EventStore
    let source: any CampaignReportSource
    let limits: ReportLimits
    /// The wall clock, read once for the report id.
    let now: @Sendable () -> Timestamp
    /// Makes run and event ids (random; fixed in golden tests).
    let makeID: @Sendable () -> UUID
    let logger: Logger

    /// A runner writing to `store` and fetching from `source`.
    public init(
        store: any EventStore, source: any CampaignReportSource, limits: ReportLimits = ReportLimits(),
        now: @escaping @Sendable () -> Timestamp, makeID: @escaping @Sendable () -> UUID = { UUID() },
        logger: Logger = Logger(label: "dialer-ledger.report")
    ) {
        self.store = store
        self.source = source
        self.limits = limits
        self.now = now
        self.makeID = makeID
        self.logger = logger
    }

    /// Runs `request`. Bad input throws before anything is recorded.
    public func run(_ request: ReportRequest) async throws -> ReportOutcome {
        try await run(request) { $0 }
    }

    /// Runs `request`, then `then` with its outcome (publishing it, say) within the run's span, so the
    /// run's effects are in its trace. Bad input throws before anything is recorded or traced.
    public func run<Value>(_ request: ReportRequest, then: (ReportOutcome) async throws -> Value) async throws
        -> Value
    {
        try request.validate(limits)
        let runID = makeID()
        return try await withSpan("report run") { span in
            span.attributes["dialer_ledger.run_id"] = runID.uuidString.lowercased()
            span.attributes["dialer_ledger.trigger"] = request.trigger.rawValue
            span.attributes["dialer_ledger.campaigns"] = request.campaigns
            if let job = request.scheduled?.job { span.attributes["dialer_ledger.job"] = job }
            let outcome = try await run(request, runID: runID, span: span)
            return try await then(outcome)
        }
    }

    private func run(_ request: ReportRequest, runID: UUID, span: any Span) async throws -> ReportOutcome {
        let started = ReportRunStarted(
            runID: runID, reportID: Self.reportID(at: now(), runID: runID), trigger: request.trigger,
            campaigns: request.campaigns, window: request.window, timeZone: request.timeZone,
            ruleSet: request.ruleSet, scheduled: request.scheduled)
        let startedID = makeID()
        let activation = RuleSetActivated(request.ruleSet)
        var drafts = [
            EventDraft(
                activation, stream: ReportEvent.ruleSetStream(request.ruleSet.id), correlationID: runID,
                idempotencyKey: activation.idempotencyKey),
            EventDraft(started, stream: ReportEvent.runStream(runID), correlationID: runID, id: startedID),
        ]
        if let recipients = request.publishTo {
            let publication = ReportPublicationRequested(
                reportID: started.reportID, runID: runID, recipients: recipients)
            drafts.append(
                EventDraft(
                    publication, stream: ReportEvent.runStream(runID), correlationID: runID, causationID: startedID,
                    idempotencyKey: publication.idempotencyKey))
        }
        _ = try await store.append(drafts)
        span.attributes["dialer_ledger.report_id"] = started.reportID
        logger.info(
            "report run started",
            metadata: ["report_id": "\(started.reportID)", "campaigns": "\(request.campaigns.count)"])
        let advice = try await fetchAll(request, runID: runID, causedBy: startedID)
        do {
            let outcome = try await generate(runID: runID, causedBy: startedID, advice: advice)
            span.attributes["dialer_ledger.outcome"] = outcome.generated.failed.isEmpty ? "complete" : "partial"
            span.attributes["dialer_ledger.campaigns_failed"] = outcome.generated.failed.count
            return outcome
        } catch let failure as ReportRunFailure {
            span.attributes["dialer_ledger.outcome"] = "failed"
            throw failure
        }
    }

    /// Counts the run whose end `appended` recorded as `outcome`.
    private func count(_ started: ReportRunStarted, _ outcome: String, _ appended: AppendResult) {
        guard case .appended(let event) = appended else { return }
        OutcomeMetrics.countRun(
            started.trigger, outcome: outcome, job: started.scheduled?.job, recordedAt: event.recordedAt)
    }

    /// Fetches every campaign, at most `concurrency` at once and `stagger` apart, recording each as it ends;
    /// returns the operator's advice for each campaign that failed.
    private func fetchAll(_ request: ReportRequest, runID: UUID, causedBy startedID: UUID) async throws
        -> [String: FailureAdvice]
    {
        try await withThrowingTaskGroup(of: (String, FailureAdvice?).self) { group in
            var advice: [String: FailureAdvice] = [:]
            for (index, campaign) in request.campaigns.enumerated() {
                if index >= limits.concurrency, let (campaign, failed) = try await group.next() {
                    advice[campaign] = failed
                }
                if index > 0 { try await Task.sleep(for: limits.stagger) }
                group.addTask {
                    let fetched = await fetch(campaign, request: request, runID: runID, causedBy: startedID)
                    _ = try await store.append(fetched.drafts)
                    return (campaign, fetched.advice)
                }
            }
            for try await (campaign, failed) in group { advice[campaign] = failed }
            return advice
        }
    }

    /// Why a campaign failed, for the operator: the advice line, and whether CXone refused the request as asked.
    struct FailureAdvice: Sendable {
        var line: String
        var refusedAsAsked = false
    }

    /// One campaign's events: its page and derived hours, or its failure (a page whose rows are not the
    /// documented shape is recorded and then failed, naming the row and field), with the failure's advice.
    private func fetch(_ campaign: String, request: ReportRequest, runID: UUID, causedBy startedID: UUID) async
        -> (drafts: [EventDraft], advice: FailureAdvice?)
    {
        let stream = ReportEvent.runStream(runID)
        func failure(_ reason: String, status: Int?, attempts: Int) -> EventDraft {
            logger.warning("campaign report failed", metadata: ["campaign": "\(campaign)", "reason": "\(reason)"])
            let payload = MetricFetchFailed(
                campaignID: campaign, window: request.window, reason: reason, status: status, attempts: attempts)
            return EventDraft(payload, stream: stream, correlationID: runID, causationID: startedID)
        }
        let fetched: MetricPage
        do {
            fetched = try await source.campaignReport(
                campaignID: campaign, start: request.window.start, end: request.window.end)
        } catch let error as CXoneError {
            let advice = FailureAdvice(line: error.operatorAdvice, refusedAsAsked: error.refusedRequest)
            return ([failure(error.description, status: error.lastStatus, attempts: error.attempts)], advice)
        } catch {
            return ([failure("\(error)", status: nil, attempts: 1)], FailureAdvice(line: "\(error)"))
        }
        var page = MetricPageFetched(
            campaignID: campaign, window: request.window, path: fetched.request, status: fetched.status,
            rows: fetched.rows, dialerContacts: fetched.dialerContacts)
        if let contacts = fetched.dialerContacts, let shape = try? DialerContactsMapping.hourlyRows(contacts).shape {
            // Recorded beside the answers: where public evidence disagrees, what this tenant sent.
            page.dialerContacts?.seen = shape.json
            logger.info(
                "dialer-contacts read",
                metadata: [
                    "campaign": "\(campaign)", "rows_keys": "\(shape.rowsKeys.sorted())",
                    "number_forms": "\(shape.numberForms.sorted())",
                    "handle_time_forms": "\(shape.handleTimeForms.sorted())",
                    "interval_minutes": "\(shape.intervalMinutes.map(String.init) ?? "unknown")",
                ])
        }
        let pageID = makeID()
        let pageDraft = EventDraft(page, stream: stream, correlationID: runID, causationID: startedID, id: pageID)
        let intervals: [DerivedInterval]
        do {
            intervals = try page.derive(under: request.ruleSet)
        } catch {
            let reason = "CXone campaign report sent a row that is not the documented shape: \(error)"
            return ([pageDraft, failure(reason, status: fetched.status, attempts: 1)], FailureAdvice(line: reason))
        }
        let derived = intervals.map { interval in
            EventDraft(
                IntervalDerivedPayload(
                    campaignID: campaign, interval: interval, ruleSet: request.ruleSet.id,
                    ruleSetHash: request.ruleSet.hash), stream: stream, correlationID: runID, causationID: pageID)
        }
        return ([pageDraft] + derived, nil)
    }

    /// Builds the chart from the recorded run and records `ReportGenerated`; or, when no campaign was
    /// fetched, records `ReportRunFailed` and throws.
    private func generate(runID: UUID, causedBy startedID: UUID, advice: [String: FailureAdvice]) async throws
        -> ReportOutcome
    {
        let (run, asOf, document) = try await store.withSnapshot { snapshot in
            let asOf = try snapshot.lastSequence()
            let run = try RecordedRun(runID: runID, snapshot: snapshot, throughSeq: asOf)
            return (run, asOf, run.reportedCampaigns.isEmpty ? [] : try run.chart(asOfSeq: asOf).bytes)
        }
        if run.reportedCampaigns.isEmpty {
            try await fail(run, causedBy: startedID, advice: advice)
        }
        let generated = ReportGenerated(
            reportID: run.started.reportID, runID: runID, asOfSeq: asOf, ruleSet: run.ruleSet, document: document,
            failed: run.started.campaigns.filter { !run.reportedCampaigns.contains($0) })
        let appended = try await store.append([
            EventDraft(generated, stream: ReportEvent.runStream(runID), correlationID: runID, causationID: startedID)
        ])
        count(run.started, generated.failed.isEmpty ? "complete" : "partial", appended[0])
        logger.info(
            "report generated",
            metadata: [
                "report_id": "\(generated.reportID)", "sha256": "\(generated.sha256.hex)", "bytes": "\(generated.size)",
            ])
        return ReportOutcome(generated: generated, generatedSeq: appended[0].seq, document: document, run: run)
    }

    /// Records `ReportRunFailed` with one cause (the campaigns' common advice, else each campaign's) and throws.
    private func fail(_ run: RecordedRun, causedBy startedID: UUID, advice: [String: FailureAdvice]) async throws
        -> Never
    {
        let campaigns = run.started.campaigns
        let lines = campaigns.map { advice[$0]?.line ?? run.failures[$0]?.reason ?? "no page recorded" }
        let reason =
            Set(lines).count == 1
            ? lines[0] : zip(campaigns, lines).map { "\($0): \($1)" }.joined(separator: "; ")
        let failed = ReportRunFailed(
            reportID: run.started.reportID, runID: run.started.runID, reason: reason, failed: campaigns)
        let appended = try await store.append([
            EventDraft(
                failed, stream: ReportEvent.runStream(run.started.runID), correlationID: run.started.runID,
                causationID: startedID)
        ])
        count(run.started, "failed", appended[0])
        logger.warning(
            "report run failed: no campaign could be fetched",
            metadata: ["report_id": "\(failed.reportID)", "reason": "\(reason)"])
        throw ReportRunFailure(
            reportID: failed.reportID, reason: reason, failed: campaigns,
            refusedAsAsked: campaigns.allSatisfy { advice[$0]?.refusedAsAsked == true })
    }

    /// `rpt-YYYYMMDD-HHMMSS-xxxxxx`: when the run started (UTC) and six hex digits of its id.
    static func reportID(at instant: Timestamp, runID: UUID) -> String {
        let digits = instant.rfc3339.filter(\.isNumber)  // yyyymmddhhmmssmmm
        let hex = runID.uuidString.lowercased().prefix(6)
        return "rpt-\(digits.prefix(8))-\(digits.dropFirst(8).prefix(6))-\(hex)"
    }
}
