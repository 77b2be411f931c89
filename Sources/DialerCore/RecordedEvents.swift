/// Every event type the service records: the catalogue the schemas, the tests and the command line's
/// type checks read.
public enum RecordedEvents {
    /// Each recorded type, one per stored name.
    public static let all: [any RecordedEvent.Type] = [
        ReportRunStarted.self, RuleSetActivated.self, MetricPageFetched.self, MetricFetchFailed.self,
        IntervalDerivedPayload.self, ReportGenerated.self, ReportRunFailed.self, ReportPublicationRequested.self,
        ReportUploadRequested.self, ReportUploaded.self, ReportUploadFailed.self, ReportLinkRequested.self,
        ReportLinkIssued.self, ReportEmailRequested.self, ReportEmailAttempted.self, ReportEmailed.self,
        ReportEmailFailed.self, CronTickHandled.self, ScheduleJobStarted.self, SchedulePlanned.self,
        ScheduleSubmissionRequested.self, ScheduleSubmitted.self, ScheduleSubmissionFailed.self, AnalyticsSampled.self,
        CampaignCompleted.self, CampaignMonitorTimedOut.self, WebhookRequested.self, WebhookAttempted.self,
        WebhookDelivered.self, WebhookAbandoned.self,
    ]

    /// The stored type names, sorted.
    public static let storedTypes: [String] = all.map { $0.storedType }.sorted()
}
