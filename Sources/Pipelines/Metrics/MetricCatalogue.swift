import CXone

/// The HELP text of every metric the program's parts emit through swift-metrics (the backend attaches it;
/// the README's metrics table says the same).
public enum MetricCatalogue {
    /// HELP text by metric name.
    public static let help: [String: String] = [
        OutcomeMetrics.reportRuns:
            "Report runs whose end is recorded, by trigger (cron, adhoc, manual) and outcome (complete: every campaign "
            + "fetched; partial: some; failed: none, no report).",
        OutcomeMetrics.campaignsFailed: "Campaigns a report run could not fetch (each MetricFetchFailed recorded).",
        OutcomeMetrics.reportUploads:
            "Report objects (JSON, page, CSV) stored in the object store, by outcome (uploaded, failed), as recorded.",
        OutcomeMetrics.reportEmails: "Report e-mails to a recipient, by outcome (sent, failed), as recorded.",
        OutcomeMetrics.webhookAttempts:
            "Webhook attempts, by outcome (delivered: a 2xx; rejected: another status; failed: no answer), as recorded.",
        OutcomeMetrics.scheduleSubmissions:
            "Schedule submissions to CXone, by outcome (submitted, failed), as recorded.",
        OutcomeMetrics.jobLastRun:
            "When the job's latest run ended (its outcome recorded, any outcome), in Unix seconds, by job.",
        OutcomeMetrics.jobLastSuccess:
            "When the job's latest complete run (every campaign fetched) ended, in Unix seconds, by job.",
        MeteredEventStore.appendedMetric:
            "Events appended to the log by this process, by type (idempotent repeats not counted).",
        CXoneMetrics.calls: "CXone API attempts, by endpoint and answered status (error: no answer).",
        CXoneMetrics.retries: "CXone API attempts repeated, by endpoint and the status that caused the retry.",
    ]
}
