import DialerCore
import DialerTesting
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
        #expect(sample(text, #"dialer_ledger_cxone_calls_total{endpoint="campaign report",status="200"}"#) == 2)
        #expect(sample(text, #"dialer_ledger_cxone_calls_total{endpoint="token endpoint",status="200"}"#) != nil)
        let throttled = sample(text, #"dialer_ledger_cxone_calls_total{endpoint="campaign report",status="429"}"#)
        #expect((throttled ?? 0) >= 1, "the seed-7 simulator answers some requests 429")
        #expect(
            sample(text, #"dialer_ledger_cxone_retries_total{endpoint="campaign report",status="429"}"#) == throttled)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="ReportGenerated"}"#) == 1)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="MetricPageFetched"}"#) == 2)
        #expect(sample(text, #"dialer_ledger_events_appended_total{type="IntervalDerived"}"#) == 48)
        let head = try await api.get("/api/v1/events?limit=1000", key: ServedAPI.reader).json["events"]
        guard case .array(let events)? = head else {
            Issue.record("no events")
            return
        }
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
        #expect(try await api.get("/readyz", key: scraper).status == 200)
        #expect(try await api.get("/api/v1/reports", key: scraper).status == 200, "the file's key")
        #expect(try await api.get("/api/v1/reports", key: ServedAPI.reader).status == 200, "the environment's too")
        #expect(try await api.post("/api/v1/replay", "{}", key: scraper).status == 403)
        #expect(try await api.stop() == 0)
    }
}
