import CXoneSimulator
import DialerCore
import DialerTesting
import Foundation
import InMemoryTracing
import Testing
import Tracing

@testable import Pipelines

/// The spans of report runs, publications and scheduling jobs, caught by an in-memory tracer bound to the
/// test's tasks (`withTracer`), against the simulator over loopback and a real LMDB log.
@Suite struct TracingTests {
    static let reportCall = "GET /api/v2/outbound/campaigns/{campaignId}/report"

    /// A string attribute's text.
    static func text(_ attribute: SpanAttribute?) -> String? {
        if case .string(let text)? = attribute { return text }
        return nil
    }

    @Test func aRunIsOneTraceWithASpanForEachCXoneCallAndEachEffectUnderIt() async throws {
        let tracer = InMemoryTracer()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withTracer(tracer) {
            try await ReportHarness.with(retries: 3) { h in
                h.simulator.script(ScriptedFault(endpoint: .report, status: 503, count: 1))
                var limits = ReportLimits()
                limits.concurrency = 1
                let publisher = ReportPublisher(
                    store: h.store, settings: ReportPublisherTests.settings(folder),
                    now: ReportPublisherTests.clock.closure, logger: ReportHarness.quiet)
                let request = ReportRequest(campaigns: ["CAMPAIGN_001", "UNKNOWN_9"], window: ReportPublisherTests.day)
                let published = try await h.runner(limits: limits).run(request) { outcome in
                    try await publisher.publish(reportID: outcome.generated.reportID)
                }
                #expect(published.unfinished.isEmpty)
            }
        }
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.parentSpanID == nil }
        #expect(roots.map(\.operationName) == ["report run"])
        let root = try #require(roots.first)
        #expect(root.attributes.get("dialer_ledger.run_id") == .string("00000000-0000-0000-0000-000000000001"))
        #expect(root.attributes.get("dialer_ledger.trigger") == .string("adhoc"))
        #expect(root.attributes.get("dialer_ledger.campaigns") == .stringArray(["CAMPAIGN_001", "UNKNOWN_9"]))
        #expect(root.attributes.get("dialer_ledger.outcome") == .string("partial"))
        #expect(root.status == nil)
        #expect(spans.allSatisfy { $0.traceID == root.traceID }, "one trace")

        // Each campaign's call is a child of the run: the one retried after a 503, the one refused for good.
        let calls = spans.filter { $0.operationName == Self.reportCall }
        #expect(calls.count == 2 && calls.allSatisfy { $0.parentSpanID == root.spanID })
        let retried = try #require(calls.first { $0.attributes.get("http.response.status_code") == .int64(200) })
        #expect(retried.attributes.get("http.request.resend_count") == .int64(1))
        #expect(retried.attributes.get("url.template") == .string("/api/v2/outbound/campaigns/{campaignId}/report"))
        #expect(retried.kind == .client && retried.status == nil)
        let refused = try #require(calls.first { $0.attributes.get("http.response.status_code") == .int64(404) })
        #expect(refused.status?.code == .error && refused.errors.count == 1)
        // The token request is traced under the call that needed it, without its secrets.
        let token = try #require(spans.first { $0.operationName == "POST /oauth/token" })
        #expect(token.parentSpanID == retried.spanID)
        #expect(token.attributes.get("http.response.status_code") == .int64(200))

        // The publication, within the run, and each effect under it with its key and outcome.
        let publish = try #require(spans.first { $0.operationName == "report publish" })
        #expect(publish.parentSpanID == root.spanID)
        let effects = spans.filter { $0.operationName.hasPrefix("effect ") }
        #expect(effects.allSatisfy { $0.parentSpanID == publish.spanID && $0.kind == .client })
        #expect(
            effects.map { "\($0.operationName): \(Self.text($0.attributes.get("dialer_ledger.outcome")) ?? "-")" }
                == [
                    "effect upload: uploaded", "effect upload: uploaded", "effect upload: uploaded",
                    "effect link: issued", "effect email: accepted", "effect email: accepted",
                ])
        #expect(effects.allSatisfy { $0.attributes.get("dialer_ledger.idempotency_key") != nil && $0.status == nil })
        // Every append is in the trace, under the part that made it.
        let ids = Set(spans.map(\.spanID))
        let appends = spans.filter { $0.operationName == "store append" }
        #expect(appends.count > 10 && appends.allSatisfy { ids.contains($0.parentSpanID ?? "") })
        // No query string, no credential, no token in any attribute.
        var values: [String] = []
        for span in spans { span.attributes.forEach { _, value in values.append("\(value)") } }
        #expect(!values.contains { $0.contains("start_date=") || $0.contains("simulator-secret") })
    }

    @Test func aRunThatFetchedNothingEndsItsSpanWithAnError() async throws {
        let tracer = InMemoryTracer()
        try await withTracer(tracer) {
            try await ReportHarness.with { h in
                let request = ReportRequest(campaigns: ["UNKNOWN_9"], window: ReportPublisherTests.day)
                await #expect(throws: ReportRunFailure.self) { try await h.runner.run(request) }
            }
        }
        let root = try #require(tracer.finishedSpans.first { $0.operationName == "report run" })
        #expect(root.parentSpanID == nil)
        #expect(root.status?.code == .error)
        #expect(root.attributes.get("dialer_ledger.outcome") == .string("failed"))
    }

    @Test func aScheduleRunTracesEachSubmissionAndEachWebhookAttempt() async throws {
        let receiver = try await WebhookTestReceiver(secret: ScheduleWorkerTests.secret, fail: 1)
        defer { receiver.stop() }
        let tracer = InMemoryTracer()
        let scheduling = ScheduleWorkerTests()
        try await withTracer(tracer) {
            try await scheduling.withHarness { h, clock in
                let outcome = try await scheduling.worker(h, clock: clock).run(
                    try scheduling.request(webhook: receiver.url))
                #expect(outcome.submitted.count == 5 && outcome.webhook?.delivered == true)
            }
        }
        let spans = tracer.finishedSpans
        let root = try #require(spans.first { $0.parentSpanID == nil })
        #expect(root.operationName == "schedule run")
        #expect(root.attributes.get("dialer_ledger.job") != nil)
        let submissions = spans.filter { $0.operationName == "effect schedule_submission" }
        #expect(submissions.count == 5 && submissions.allSatisfy { $0.parentSpanID == root.spanID })
        #expect(submissions.allSatisfy { $0.attributes.get("dialer_ledger.outcome") == .string("submitted") })
        let keys = Set(submissions.compactMap { Self.text($0.attributes.get("dialer_ledger.idempotency_key")) })
        #expect(keys.count == 5, "one key per window")
        // Each submission's CXone call is under it, carrying the same key.
        let posts = spans.filter { $0.operationName == "POST /api/v2/outbound/campaigns/{campaignId}/schedules" }
        #expect(Set(posts.compactMap(\.parentSpanID)) == Set(submissions.map(\.spanID)))
        #expect(Set(posts.compactMap { Self.text($0.attributes.get("dialer_ledger.idempotency_key")) }) == keys)
        let webhooks = spans.filter { $0.operationName == "effect webhook" }
        #expect(
            webhooks.map { $0.attributes.get("dialer_ledger.outcome") } == [.string("retry"), .string("delivered")])
        #expect(webhooks.map { $0.status?.code } == [.error, nil])
        #expect(webhooks.allSatisfy { $0.parentSpanID == root.spanID && $0.traceID == root.traceID })
    }
}
