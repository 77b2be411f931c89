import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// `GET /metrics` of `dialer-ledger serve`: Prometheus text whose counters move with the requests made.
@Suite struct MetricsAPITests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// The value of the sample `name{labels}` (labels in the order the registry writes them), or nil.
    private func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func countsRequestsCXoneCallsRetriesAndAppendedEvents() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Every other CXone API request answered 429 (Retry-After 0), so the run retries.
        let simulator = try await SimulatorProcess(
            tool: tool, folder: folder, arguments: ["--rate-429", "0.5", "--retry-after", "0", "--seed", "7"])
        defer { simulator.killIfRunning() }
        let api = try await ServedAPI(tool: tool, folder: folder, environment: simulator.environment)
        defer { api.killIfRunning() }
        #expect(try await api.get("/metrics").status == 401, "closed by default: a scraper sends a read key")

        #expect(try await api.get("/api/v1/reports", key: ServedAPI.reader).status == 200)
        #expect(try await api.get("/api/v1/reports/rpt-nope", key: ServedAPI.reader).status == 404)
        let body =
            #"{"campaign_ids":["CAMPAIGN_001","CAMPAIGN_002"],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#
        let run = try await api.post("/api/v1/reports/dialer", body, key: ServedAPI.runner)
        #expect(run.status == 200, "\(run.body)")

        let scrape = try await api.get("/metrics", key: ServedAPI.reader)
        #expect(scrape.status == 200 && scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = scrape.body
        #expect(sample(text, #"http_requests_total{route="/api/v1/reports",method="GET",status="200"}"#) == 1)
        #expect(sample(text, #"dialer_ledger_report_runs_total{trigger="adhoc",outcome="complete"}"#) == 1)
        #expect(sample(text, #"http_requests_total{route="/api/v1/reports/{id}",method="GET",status="404"}"#) == 1)
        #expect(sample(text, #"http_requests_total{route="/api/v1/reports/dialer",method="POST",status="200"}"#) == 1)
        #expect(sample(text, #"http_requests_total{route="/metrics",method="GET",status="401"}"#) == 1)
        #expect(
            sample(
                text, #"http_request_duration_seconds_count{route="/api/v1/reports/dialer",method="POST",status="200"}"#
            )
                == 1)
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
        #expect(sample(text, #"dialer_ledger_cxone_calls_total{endpoint="campaign_report",status="200"}"#) == 2)
        #expect(sample(text, #"dialer_ledger_cxone_calls_total{endpoint="token_endpoint",status="200"}"#) != nil)
        let throttled = sample(text, #"dialer_ledger_cxone_calls_total{endpoint="campaign_report",status="429"}"#)
        #expect((throttled ?? 0) >= 1, "the seed-7 simulator answers some requests 429")
        #expect(
            sample(text, #"dialer_ledger_cxone_retries_total{endpoint="campaign_report",status="429"}"#) == throttled)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="ReportGenerated"}"#) == 1)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="MetricPageFetched"}"#) == 2)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="IntervalDerived"}"#) == 48)
        let head = try await api.get("/api/v1/events?limit=1000", key: ServedAPI.reader).json["events"]
        guard case .array(let events)? = head else {
            Issue.record("no events")
            return
        }
        #expect(text.contains("# HELP dialer_ledger_cxone_retries_total "))
        #expect(sample(text, "dialer_ledger_log_head_seq") == Double(events.count))
        #expect(sample(text, #"dialer_ledger_projector_lag_events{projector="event_stream"}"#) == 0, "no stream open")
        #expect(sample(text, "dialer_ledger_event_streams_open") == 0)
        #expect(try await api.stop() == 0)
    }

    @Test func theConfigFileOpensMetricsClosesHealthAndHoldsKeysByReference() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let scraper = "scraper-secret-0123456789"
        let settings = """
            {"server": {"open_health": false, "open_metrics": true, "api_keys": [
              {"name": "scraper", "role": "read", "secret_env": "SCRAPER_KEY"}]}}
            """
        try Data(settings.utf8).write(to: URL(fileURLWithPath: folder.appending("config.json")))
        let api = try await ServedAPI(tool: tool, folder: folder, environment: ["SCRAPER_KEY": scraper])
        defer { api.killIfRunning() }
        #expect(try await api.get("/metrics").status == 200, "left open by the config")
        #expect(try await api.get("/healthz").status == 401, "closed by the config")
        // Readiness asks the (embedded) CXone for a token within 1.5 s, which a machine busy with the other
        // tests may miss once: the key is accepted (never 401) and the server gets ready.
        var ready: UInt = 0
        _ = try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) {
            ready = try await api.get("/readyz", key: scraper).status
            return ready != 503
        }
        #expect(ready == 200)
        #expect(try await api.get("/api/v1/reports", key: scraper).status == 200, "the file's key")
        #expect(try await api.get("/api/v1/reports", key: ServedAPI.reader).status == 200, "the environment's too")
        #expect(try await api.post("/api/v1/replay", "{}", key: scraper).status == 403)
        #expect(try await api.stop() == 0)
    }
}

/// `/metrics` as Prometheus reads it: every documented metric with its HELP text, label values without spaces,
/// the outcomes of a job's published runs, and the job's times equal to its recorded outcome's, also after a
/// restart.
@Suite struct OutcomeMetricsAPITests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// The metrics the README documents (counters by their sample names).
    static let documented = [
        "dialer_ledger_report_runs_total", "dialer_ledger_campaigns_failed_total", "dialer_ledger_report_uploads_total",
        "dialer_ledger_report_emails_total", "dialer_ledger_webhook_attempts_total",
        "dialer_ledger_schedule_submissions_total", "dialer_ledger_job_last_run_timestamp_seconds",
        "dialer_ledger_job_last_success_timestamp_seconds", "dialer_ledger_build_info",
        "dialer_ledger_events_appended_total", "dialer_ledger_cxone_calls_total", "dialer_ledger_cxone_retries_total",
        "dialer_ledger_log_head_seq", "dialer_ledger_projector_lag_events", "dialer_ledger_event_streams_open",
        "http_requests_total", "http_request_duration_seconds",
    ]

    /// One sample as prometheus_client's parser read it.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// `text` parsed by `prometheus_client.parser.text_string_to_metric_families`: each family's HELP text by
    /// each of its sample names, and every sample.
    func parsed(_ text: String, in folder: TemporaryFolder) async throws -> (help: [String: String], samples: [Sample])
    {
        let file = folder.appending("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            print(json.dumps([{"help": f.documentation, "samples": [[s.name, s.labels, s.value] for s in f.samples]}
                              for f in text_string_to_metric_families(open(sys.argv[1]).read())]))
            """
        let run = try await CommandLineTool.runAny("/usr/bin/env", ["python3", "-c", script, file])
        #expect(run.status == 0, "the Prometheus text parser refused /metrics: \(run.stderr)")
        guard case .array(let families) = try JSONParser.parse(Array(run.stdout.utf8)) else { return ([:], []) }
        var help: [String: String] = [:]
        var samples: [Sample] = []
        for family in families {
            guard case .array(let rows)? = family["samples"] else { continue }
            for row in rows {
                guard case .array(let fields) = row, fields.count == 3, let name = fields[0].stringValue,
                    case .object(let labels) = fields[1], let value = fields[2].doubleValue
                else { continue }
                help[name] = family["help"]?.stringValue ?? ""
                samples.append(Sample(name: name, labels: labels.compactMapValues(\.stringValue), value: value))
            }
        }
        return (help, samples)
    }

    /// The recorded time, in Unix seconds, of the newest `ReportGenerated` in the log of `folder`.
    func lastGenerated(_ folder: TemporaryFolder) async throws -> Double? {
        let store = try LMDBEventStore(path: folder.appending("log"), access: .readOnly)
        let generated = try await store.events(EventQuery(type: ReportEvent.generated))
        return generated.last.map { Double($0.recordedAt.milliseconds) / 1000 }
    }

    @Test func aPublishedJobsOutcomesParseWithHelpAndItsTimesAreTheRecordedOnesAfterARestart() async throws {
        let peers = try await PublishingPeers.start()
        defer { peers.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let config = folder.appending("config.json")
        let job =
            #"[{"id": "nightly", "cron": "CRON", "campaigns": ["CAMPAIGN_001"], "recipients": ["ops@example.com"]}]"#
        try peers.writeSettings(to: config, jobs: job.replacing("CRON", with: "@every 2s"))
        let environment = peers.environment()
        var api = try await ServedAPI(tool: tool, folder: folder, environment: environment)
        defer { api.killIfRunning() }
        func emailed() async -> Bool {
            guard let store = try? LMDBEventStore(path: folder.appending("log"), access: .readOnly) else {
                return false
            }
            return (try? await store.events(EventQuery(type: "ReportEmailed")).isEmpty) == false
        }
        #expect(
            try await eventually(timeout: .seconds(60), poll: .milliseconds(50)) { await emailed() },
            "no job run was published")

        let first = try await parsed(try await api.get("/metrics", key: ServedAPI.reader).body, in: folder)
        // Retries are labelled by the status that caused them, so they appear with the first one.
        for name in Self.documented where name != "dialer_ledger_cxone_retries_total" {
            #expect(first.help[name]?.isEmpty == false || first.help[name + "_count"]?.isEmpty == false, "\(name)")
        }
        for sample in first.samples {
            #expect(!sample.labels.values.contains { $0.contains(" ") }, "\(sample.name) \(sample.labels)")
        }
        func value(_ samples: [Sample], _ name: String, _ labels: [String: String]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        let runs = "dialer_ledger_report_runs_total"
        #expect(value(first.samples, runs, ["trigger": "cron", "outcome": "complete"]) ?? 0 >= 1)
        #expect(value(first.samples, runs, ["trigger": "adhoc", "outcome": "failed"]) == 0, "started at zero")
        #expect(value(first.samples, "dialer_ledger_report_uploads_total", ["outcome": "uploaded"]) ?? 0 >= 3)
        #expect(value(first.samples, "dialer_ledger_report_emails_total", ["outcome": "sent"]) ?? 0 >= 1)
        #expect(value(first.samples, "dialer_ledger_build_info", ["version": BuildInfo.version]) == 1)
        #expect(
            value(first.samples, "dialer_ledger_cxone_calls_total", ["endpoint": "campaign_report", "status": "200"])
                ?? 0 >= 1)
        #expect(try await api.stop() == 0)

        // Restarted with the job due only next year: its times come from the log, as recorded.
        try peers.writeSettings(to: config, jobs: job.replacing("CRON", with: "@yearly"))
        api = try await ServedAPI(tool: tool, folder: folder, environment: environment)
        let second = try await parsed(try await api.get("/metrics", key: ServedAPI.reader).body, in: folder)
        let recorded = try #require(try await lastGenerated(folder))
        let labels = ["job": "nightly"]
        #expect(value(second.samples, "dialer_ledger_job_last_run_timestamp_seconds", labels) == recorded)
        #expect(value(second.samples, "dialer_ledger_job_last_success_timestamp_seconds", labels) == recorded)
        #expect(value(second.samples, runs, ["trigger": "cron", "outcome": "complete"]) == 0, "counters restart")
        #expect(try await api.stop() == 0)
    }
}
