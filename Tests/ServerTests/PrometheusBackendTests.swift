import DialerCore
import DialerTesting
import Foundation
import Metrics
import Pipelines
import Prometheus
import Server
import Testing

/// The backend `/metrics` serves, bootstrapped as `serve` bootstraps it: effect outcomes counted once
/// recorded (a repeat answered by the log is not), HELP on every series, and job times read back from the log.
@Suite struct PrometheusBackendTests {
    /// The process's registry: swift-metrics is bootstrapped once per process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusBackend(registry: registry))
        return registry
    }()

    /// The value of the series `name{labels}` (labels in the order they were made), 0 when absent.
    func value(_ series: String) -> Double {
        Self.registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    static let now = Timestamp(milliseconds: 1_796_000_000_123)

    @Test func effectOutcomesAreCountedOnceRecordedWithHelpAndARepeatIsNot() async throws {
        _ = Self.registry  // bootstrapped before anything is emitted
        let store = MeteredEventStore(InMemoryEventStore(clock: { Self.now }))
        let series = [
            #"dialer_ledger_webhook_attempts_total{outcome="delivered"}"#,
            #"dialer_ledger_webhook_attempts_total{outcome="rejected"}"#,
            #"dialer_ledger_webhook_attempts_total{outcome="failed"}"#,
            #"dialer_ledger_schedule_submissions_total{outcome="submitted"}"#,
            #"dialer_ledger_schedule_submissions_total{outcome="failed"}"#,
            "dialer_ledger_campaigns_failed_total",
        ]
        let before = series.map(value)
        func attempt(_ status: Int?) -> EventDraft {
            EventDraft(
                WebhookAttempted(
                    deliveryID: "dlv_1", attempt: 1, url: "http://127.0.0.1:9/hook", bodySHA256: SHA256Digest.of([]),
                    durationMilliseconds: 5, status: status, error: status == nil ? "refused" : nil),
                stream: "job:nightly")
        }
        let failed = EventDraft(
            type: ScheduleSubmissionFailed.storedType, stream: "job:nightly", payload: ["reason": "503"],
            idempotencyKey: "submission-1")
        _ = try await store.append([
            attempt(200), attempt(503), attempt(nil),
            EventDraft(type: ScheduleSubmitted.storedType, stream: "job:nightly", payload: ["schedule_id": "s1"]),
            failed, EventDraft(type: ReportEvent.fetchFailed, stream: "run:1", payload: ["campaign_id": "C1"]),
        ])
        _ = try await store.append([failed])
        #expect(zip(series.map(value), before).map { $0 - $1 } == [1, 1, 1, 1, 1, 1], "the repeat is not counted")
        let text = Self.registry.emitToString()
        for name in MetricCatalogue.help.keys where text.contains("# TYPE \(name) ") {
            #expect(text.contains("# HELP \(name) "), "\(name)")
        }
        #expect(text.contains(#"dialer_ledger_build_info{version="\#(BuildInfo.version)"} 1"#))
    }

    @Test func aJobsTimesAreReadBackFromTheLogOnStart() async throws {
        _ = Self.registry  // bootstrapped before anything is emitted
        let clock = ManualClock(Self.now)
        let store = InMemoryEventStore(clock: clock.closure)
        func run(_ id: UUID, failed: [String]) -> [EventDraft] {
            let started = ReportRunStarted(
                runID: id, reportID: "rpt-\(id)", trigger: .cron, campaigns: ["C1", "C2"],
                window: ReportWindow(start: Timestamp(milliseconds: 0), end: Timestamp(milliseconds: 3_600_000)),
                timeZone: "UTC", ruleSet: .seed, scheduled: ("seeded-job", Timestamp(milliseconds: 0)))
            let generated = ReportGenerated(
                reportID: started.reportID, runID: id, asOfSeq: 1, ruleSet: .seed, document: [], failed: failed)
            let stream = ReportEvent.runStream(id)
            return [EventDraft(started, stream: stream), EventDraft(generated, stream: stream)]
        }
        // A complete run, then a partial one a second later.
        _ = try await store.append(run(UUID(), failed: []))
        clock.advance(milliseconds: 1000)
        _ = try await store.append(run(UUID(), failed: ["C2"]))
        try await OutcomeMetrics.seedJobs(["seeded-job", "never-ran"], from: store)
        #expect(value(#"dialer_ledger_job_last_run_timestamp_seconds{job="seeded-job"}"#) == 1_796_000_001.123)
        #expect(value(#"dialer_ledger_job_last_success_timestamp_seconds{job="seeded-job"}"#) == 1_796_000_000.123)
        #expect(!Self.registry.emitToString().contains("never-ran"))
    }
}
