import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import Delivery
@testable import Pipelines

/// The scheduling worker against the simulator over real HTTP and a webhook receiver that checks signatures
/// with the `standardwebhooks` package, on a clock that moves when the worker sleeps.
@Suite struct ScheduleWorkerTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let zones = [
        "America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
    ]

    private func request(expected: Int = 5, webhook: String? = nil) throws -> ScheduleRequest {
        let csv =
            (["id,timezone,name"] + Self.zones.enumerated().map { "c\($0.offset + 1),\($0.element),n\($0.offset)" })
            .joined(separator: "\n")
        let bytes = Array(csv.utf8)
        var request = ScheduleRequest(
            campaignID: "CAMPAIGN_001", planner: try SchedulePlanner(expression: "0 9 * * *"),
            contacts: try ContactList(bytes: bytes, file: "contacts.csv"), contactsSHA256: SHA256Digest.of(bytes))
        request.expected = expected
        request.pollInterval = .seconds(30)
        request.timeout = .seconds(600)
        if let webhook { request.webhook = (webhook, try WebhookSecret(Self.secret)) }
        return request
    }

    /// A clock a minute after the earliest of the job's next windows. A job's identity includes its first
    /// window, so a clock that moved past a window while the worker slept (up to the 600 s timeout) would
    /// make a second run a new job. The wall clock made this fail a few minutes before 09:00 London time.
    private func startClock() throws -> ManualClock {
        let request = try request()
        let plan = try request.planner.plan(
            campaignID: request.campaignID, contacts: request.contacts, after: Timestamp(Date()))
        let first = try #require(plan.windows.map(\.start).min())
        return ManualClock(Timestamp(milliseconds: first.milliseconds + 60_000))
    }

    private func worker(_ h: ReportHarness, clock: ManualClock) -> ScheduleWorker {
        let sleep: @Sendable (Duration) async throws -> Void = { clock.advance(milliseconds: $0.milliseconds) }
        return ScheduleWorker(
            store: h.store, cxone: h.client,
            // Webhook timestamps come from the real clock: the receiver refuses ones more than 5 minutes off.
            webhooks: WebhookDeliverer(
                store: h.store, sender: WebhookSender(now: { Timestamp(Date()) }), sleep: sleep, random: { 0.5 },
                logger: ReportHarness.quiet),
            now: clock.closure, sleep: sleep, logger: ReportHarness.quiet)
    }

    private func schedulePosts(_ h: ReportHarness) -> Int {
        h.simulator.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/schedules") }.count
    }

    @Test func aJobSubmitsOneSchedulePerZoneMonitorsAndDeliversASignedWebhook() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret, fail: 2)
        defer { receiver.stop() }
        try await ReportHarness.with { h in
            let clock = try startClock()
            let outcome = try await worker(h, clock: clock).run(try request(webhook: receiver.url))
            #expect(outcome.submitted.count == 5 && outcome.failed.isEmpty)
            #expect(Set(outcome.plan.windows.map(\.timeZone)) == Set(Self.zones))
            #expect(outcome.reachedExpected && outcome.completed == 5)
            #expect(outcome.webhook == .init(delivered: true, attempts: 3, reason: nil))
            let types = try h.types().filter { ScheduleEvent.types.contains($0) }
            #expect(types.prefix(2) == ["ScheduleJobStarted", "ScheduleWindowsPlanned"])
            #expect(types.filter { $0 == "ScheduleSubmissionRequested" }.count == 5)
            #expect(types.filter { $0 == "ScheduleSubmitted" }.count == 5)
            #expect(types.contains("AnalyticsSampled") && types.contains("CampaignCompleted"))
            #expect(
                types.suffix(5) == [
                    "WebhookRequested", "WebhookAttempted", "WebhookAttempted", "WebhookAttempted", "WebhookDelivered",
                ])
            // Every delivery verified by the independent implementation, one webhook-id across the retries.
            let deliveries = try receiver.deliveries()
            #expect(deliveries.map(\.status) == [503, 503, 204])
            #expect(deliveries.allSatisfy { $0.verified })
            #expect(Set(deliveries.compactMap(\.id)).count == 1)
            let body = try JSONParser.parse(Array(try #require(deliveries.last?.body).utf8))
            #expect(body["event"]?.stringValue == "campaign.completed")
            #expect(body["data"]?["campaign_id"]?.stringValue == "CAMPAIGN_001")
            // The secret is nowhere in the log.
            let log = try h.store.events().map { String(decoding: $0.payload.bytes, as: UTF8.self) }.joined()
            #expect(!log.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
            // Running the same job again resumes it: nothing is submitted or sent twice.
            let again = try await worker(h, clock: clock).run(try request(webhook: receiver.url))
            #expect(again.job == outcome.job && again.submitted == outcome.submitted)
            #expect(schedulePosts(h) == 5)
            #expect(try receiver.deliveries().count == 3)
        }
    }

    @Test func aSubmissionWhoseOutcomeWasLostIsResentWithItsKeyAndCXoneKeepsOneSchedule() async throws {
        try await ReportHarness.with { h in
            let clock = try startClock()
            let request = try request()
            // What a crash after the POST and before its outcome leaves: the intent recorded, CXone holding the
            // schedule, no outcome in the log.
            let plan = try request.planner.plan(
                campaignID: "CAMPAIGN_001", contacts: request.contacts, after: clock.now())
            let job = request.jobID(firstStart: plan.windows.map(\.start).min())
            let window = try #require(plan.windows.first)
            let key = window.idempotencyKey(job: job)
            _ = try await h.client.submitSchedule(
                campaignID: "CAMPAIGN_001", schedule: window.requestBody, idempotencyKey: key)
            var intent = ScheduleSubmission(job: job, key: key, timeZone: window.timeZone, start: window.start)
            intent.request = window.requestBody
            _ = try h.store.append([
                EventDraft(
                    type: ScheduleEvent.submissionRequested, stream: ScheduleEvent.stream(job), payload: intent.json,
                    idempotencyKey: key)
            ])
            let outcome = try await worker(h, clock: clock).run(request)
            #expect(outcome.job == job && outcome.submitted.count == 5)
            #expect(schedulePosts(h) == 6, "the lost one was sent again")
            let created = Set(outcome.submitted.values)
            #expect(created.count == 5, "CXone answered the repeated key with the schedule it already had")
        }
    }

    @Test func everyAnalyticsPageIsReadAndRecorded() async throws {
        try await ReportHarness.with { h in
            let clock = try startClock()
            var request = try request()
            request.analyticsPageSize = 2
            let outcome = try await worker(h, clock: clock).run(request)
            #expect(outcome.reachedExpected && outcome.completed == 5)
            let samples = try h.store.events(EventQuery(type: ScheduleEvent.analyticsSampled))
            for sample in samples {
                guard case .array(let pages)? = try sample.payload.decoded()["pages"] else {
                    Issue.record("no pages in \(sample.seq)")
                    continue
                }
                // Three rows per campaign, two to a page: two pages, both recorded, both counted.
                #expect(pages.count == 2)
            }
            #expect(!samples.isEmpty)
        }
    }

    @Test func a410GoneStopsTheWebhookAtOnce() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret, fail: 5, failStatus: 410)
        defer { receiver.stop() }
        try await ReportHarness.with { h in
            let outcome = try await worker(h, clock: try startClock()).run(
                try request(webhook: receiver.url))
            #expect(outcome.webhook?.delivered == false && outcome.webhook?.attempts == 1)
            #expect(try h.types().last == "WebhookAbandoned")
            #expect(try receiver.deliveries().map(\.status) == [410])
        }
    }

    @Test func monitoringStopsAtTheTimeoutWithoutAWebhook() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret)
        defer { receiver.stop() }
        try await ReportHarness.with { h in
            let clock = try startClock()
            var request = try request(expected: 1_000, webhook: receiver.url)
            request.timeout = .seconds(120)
            let outcome = try await worker(h, clock: clock).run(request)
            #expect(!outcome.reachedExpected && outcome.webhook == nil)
            let types = try h.types()
            #expect(types.filter { $0 == "AnalyticsSampled" }.count == 5, "polls at 0, 30, 60, 90 and 120 s")
            #expect(types.last == "CampaignMonitorTimedOut")
            #expect(try receiver.deliveries().isEmpty)
        }
    }
}
