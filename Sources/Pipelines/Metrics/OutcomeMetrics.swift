import DialerCore
import Foundation
import Metrics

/// The outcomes of report runs, jobs and effects as metrics (through swift-metrics: whatever backend the
/// program bootstrapped), each emitted only after its outcome is recorded in the log, so a metric never
/// counts what the log does not hold. Names and label values follow Prometheus's conventions.
public enum OutcomeMetrics {
    /// Counter: report runs by `trigger` and `outcome` (`complete`, `partial`, `failed`).
    public static let reportRuns = "dialer_ledger_report_runs_total"
    /// Counter: campaigns a run could not fetch (each `MetricFetchFailed`).
    public static let campaignsFailed = "dialer_ledger_campaigns_failed_total"
    /// Counter: report objects stored, by `outcome` (`uploaded`, `failed`).
    public static let reportUploads = "dialer_ledger_report_uploads_total"
    /// Counter: report e-mails, by `outcome` (`sent`, `failed`).
    public static let reportEmails = "dialer_ledger_report_emails_total"
    /// Counter: webhook attempts, by `outcome` (`delivered`, `rejected`, `failed`).
    public static let webhookAttempts = "dialer_ledger_webhook_attempts_total"
    /// Counter: schedule submissions to CXone, by `outcome` (`submitted`, `failed`).
    public static let scheduleSubmissions = "dialer_ledger_schedule_submissions_total"
    /// Gauge: when a job's latest run ended (its outcome recorded), in Unix seconds, by `job`.
    public static let jobLastRun = "dialer_ledger_job_last_run_timestamp_seconds"
    /// Gauge: when a job's latest complete run ended, in Unix seconds, by `job`.
    public static let jobLastSuccess = "dialer_ledger_job_last_success_timestamp_seconds"

    /// The outcome label of each effect outcome's stored type.
    static let effectOutcomes: [String: (metric: String, outcome: String)] = [
        PublicationEvent.uploaded: (reportUploads, "uploaded"),
        PublicationEvent.uploadFailed: (reportUploads, "failed"),
        PublicationEvent.emailed: (reportEmails, "sent"), PublicationEvent.emailFailed: (reportEmails, "failed"),
        ScheduleSubmitted.storedType: (scheduleSubmissions, "submitted"),
        ScheduleSubmissionFailed.storedType: (scheduleSubmissions, "failed"),
    ]

    /// The label values each counter starts with at zero, so a rate or an alert sees the series before the
    /// first outcome.
    public static let knownOutcomes: [String: [[(String, String)]]] = [
        reportRuns: ReportTrigger.allCases.flatMap { trigger in
            ["complete", "partial", "failed"].map { [("trigger", trigger.rawValue), ("outcome", $0)] }
        },
        campaignsFailed: [[]],
        reportUploads: [[("outcome", "uploaded")], [("outcome", "failed")]],
        reportEmails: [[("outcome", "sent")], [("outcome", "failed")]],
        webhookAttempts: [[("outcome", "delivered")], [("outcome", "rejected")], [("outcome", "failed")]],
        scheduleSubmissions: [[("outcome", "submitted")], [("outcome", "failed")]],
    ]

    /// Counts the effect outcome `draft` records, if it records one; called once it is appended (not for a
    /// draft answered by an event already in the log).
    static func count(recorded draft: EventDraft) {
        if draft.type == ReportEvent.fetchFailed {
            Counter(label: campaignsFailed).increment()
        } else if draft.type == WebhookAttempted.storedType {
            guard case .value(let json) = draft.payload, let attempt = try? WebhookAttempted(json: json) else { return }
            let outcome = attempt.status.map { (200..<300).contains($0) ? "delivered" : "rejected" } ?? "failed"
            Counter(label: webhookAttempts, dimensions: [("outcome", outcome)]).increment()
        } else if let effect = effectOutcomes[draft.type] {
            Counter(label: effect.metric, dimensions: [("outcome", effect.outcome)]).increment()
        }
    }

    /// Counts a run of `trigger` whose `outcome` was recorded at `recordedAt`; a job's run also sets the job's
    /// gauges.
    static func countRun(_ trigger: ReportTrigger, outcome: String, job: String?, recordedAt: Timestamp) {
        Counter(label: reportRuns, dimensions: [("trigger", trigger.rawValue), ("outcome", outcome)]).increment()
        if let job { setJob(job, ranAt: recordedAt, succeeded: outcome == "complete") }
    }

    private static func setJob(_ job: String, ranAt: Timestamp, succeeded: Bool) {
        let seconds = Double(ranAt.milliseconds) / 1000
        Gauge(label: jobLastRun, dimensions: [("job", job)]).record(seconds)
        if succeeded { Gauge(label: jobLastSuccess, dimensions: [("job", job)]).record(seconds) }
    }

    /// How many of the newest run starts `seedJobs` reads at most.
    public static let seedLookback = 10_000

    /// Sets the gauges of `jobs` from the log, so a restarted process reports the runs before it: the newest
    /// ended run of each job, and its newest complete one, among the newest `seedLookback` run starts (read
    /// newest first by the type index, each run's end by its stream).
    public static func seedJobs(_ jobs: [String], from store: any EventStore) async throws {
        guard !jobs.isEmpty else { return }
        let found = try await store.withSnapshot { snapshot in
            var lastRun: [String: Timestamp] = [:]
            var lastSuccess: [String: Timestamp] = [:]
            var runs: [(job: String, runID: UUID)] = []
            try snapshot.scanInPlace(EventQuery(type: ReportEvent.runStarted, newestFirst: true, limit: seedLookback)) {
                view in
                let started = try ReportRunStarted(view)
                if let job = started.scheduled?.job, jobs.contains(job) { runs.append((job, started.runID)) }
                return true
            }
            for run in runs where lastSuccess[run.job] == nil {
                try snapshot.scanInPlace(EventQuery(stream: ReportEvent.runStream(run.runID), newestFirst: true)) {
                    view in
                    if view.type == ReportEvent.runFailed {
                        lastRun[run.job] = lastRun[run.job] ?? view.recordedAt
                        return false
                    }
                    guard view.type == ReportEvent.generated else { return true }
                    lastRun[run.job] = lastRun[run.job] ?? view.recordedAt
                    if try ReportGenerated(view).failed.isEmpty { lastSuccess[run.job] = view.recordedAt }
                    return false
                }
            }
            return (lastRun, lastSuccess)
        }
        for (job, time) in found.0 {
            Gauge(label: jobLastRun, dimensions: [("job", job)]).record(Double(time.milliseconds) / 1000)
        }
        for (job, time) in found.1 {
            Gauge(label: jobLastSuccess, dimensions: [("job", job)]).record(Double(time.milliseconds) / 1000)
        }
    }
}
