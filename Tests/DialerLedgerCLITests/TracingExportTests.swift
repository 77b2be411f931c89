import DialerTesting
import Foundation
import Testing

/// Spans exported by the running program to an OTLP/HTTP collector on loopback, as an operator points it at
/// Jaeger or an OpenTelemetry Collector with `OTEL_EXPORTER_OTLP_ENDPOINT`.
@Suite struct TracingExportTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private func reportRun(_ folder: TemporaryFolder, environment: [String: String]) async throws
        -> CommandLineTool.Outcome
    {
        try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,NOPE", "--from",
                "2026-11-30T00:00:00Z", "--to", "2026-12-01T00:00:00Z", "--out", folder.appending("report.json"),
            ], environment: ["CXONE_BASE_URL": ""].merging(environment) { $1 })
    }

    @Test func aReportRunExportsItsTraceAsOTLPJSONBeforeTheProcessEnds() async throws {
        let collector = try await OTLPTestCollector()
        defer { collector.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await reportRun(
            folder,
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let exports = try collector.exports()
        #expect(!exports.isEmpty, "the spans were flushed when the application stopped")
        #expect(exports.allSatisfy { $0.path == "/v1/traces" && $0.contentType.hasPrefix("application/json") })
        let sent = exports.compactMap(\.body).joined(separator: "\n")
        #expect(sent.contains(#""stringValue":"dialer-ledger""#), "OTEL_SERVICE_NAME's default")
        for name in [
            "report run", "GET /api/v2/outbound/campaigns/{campaignId}/report", "POST /oauth/token", "store append",
        ] {
            #expect(sent.contains(#""name":"\#(name)""#), "a \(name) span")
        }
        #expect(!sent.contains("simulator-secret") && !sent.contains("start_date="), "no secret, no query")
    }

    @Test func protobufIsTheDefaultEncoding() async throws {
        let collector = try await OTLPTestCollector()
        defer { collector.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let traced = try await reportRun(folder, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint])
        #expect(traced.status == 0, "\(traced.stderr)")
        let exports = try collector.exports()
        #expect(!exports.isEmpty)
        #expect(exports.allSatisfy { $0.contentType == "application/x-protobuf" && $0.size > 0 })
    }

    @Test func aGRPCProtocolIsRefusedNamingItsVariable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await reportRun(
            folder,
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            ])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not built in"))
    }
}
