import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import Delivery
@testable import Pipelines

/// The scheduling worker against the simulator over real HTTP and a webhook receiver that checks signatures
/// with the `standardwebhooks` package, at fixed instants, on a clock (shared with the simulated tenant) that
/// moves when the worker sleeps.
@Suite struct ScheduleWorkerTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let zones = [
        "America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
    ]

    func request(expected: Int = 5, webhook: String? = nil, cron: String = "0 9 * * *") throws -> ScheduleRequest {
        let csv =
            (["id,timezone,name"] + Self.zones.enumerated().map { "c\($0.offset + 1),\($0.element),n\($0.offset)" })
            .joined(separator: "\n")
        let bytes = Array(csv.utf8)
        var request = ScheduleRequest(
            campaignID: "CAMPAIGN_001", planner: try SchedulePlanner(expression: cron),
            contacts: try ContactList(bytes: bytes, file: "contacts.csv"), contactsSHA256: SHA256Digest.of(bytes))
        request.expected = expected
        request.pollInterval = .seconds(30)
        request.timeout = .seconds(600)
        if let webhook { request.webhook = (webhook, try WebhookSecret(Self.secret)) }
        return request
    }

    /// An hour before the first window of `0 9 * * *` for `zones`: Lord Howe's 09:00 on 7 December is
    /// 2026-12-06T22:00Z; Kolkata's is 03:30Z, London's 09:00Z, New York's 14:00Z and Los Angeles' 17:00Z (the
    /// last window ends at 21:00Z).
    static let beforeWindows = Timestamp(milliseconds: 1_796_590_800_000)

    /// A manual clock as an application's clock: waiting moves it on.
    struct MovedBySleeping: CXoneClock {
        let manual: ManualClock
        func now() -> Timestamp { manual.now() }
        func sleep(for duration: Duration) async throws { manual.advance(milliseconds: duration.milliseconds) }
    }

    /// A harness whose application and simulated tenant read `clock`, which moves when the worker sleeps.
    func withHarness(_ body: (ReportHarness, ManualClock) async throws -> Void) async throws {
        let clock = ManualClock(Self.beforeWindows)
        try await ReportHarness.with(simulatorNow: clock.closure, clock: MovedBySleeping(manual: clock)) { h in
            try await body(h, clock)
        }
    }

    /// Webhooks signed on the real clock (the receiver refuses timestamps more than 5 minutes off), retried on
    /// `schedule` after `sleep` with fixed jitter.
    func webhooks(
        _ h: ReportHarness, schedule: WebhookRetrySchedule = .standard,
        sleep: @escaping @Sendable (Duration) async throws -> Void, progress: Lines
    ) -> WebhookDeliverer {
        WebhookDeliverer(
            store: h.store, sender: WebhookSender(now: { Timestamp(Date()) }), schedule: schedule, sleep: sleep,
            random: { 0.5 }, logger: ReportHarness.quiet, progress: progress.append)
    }

    /// The application's worker; a fault (another CXone, sleeps that fail) makes one by hand around it.
    func worker(
        _ h: ReportHarness, clock: ManualClock, cxone: (any OutboundCampaigns)? = nil,
        sleep: (@Sendable (Duration) async throws -> Void)? = nil,
        webhookSleep: (@Sendable (Duration) async throws -> Void)? = nil, progress: Lines = Lines()
    ) -> ScheduleWorker {
        let advance: @Sendable (Duration) async throws -> Void = { clock.advance(milliseconds: $0.milliseconds) }
        let webhooks = webhooks(h, sleep: webhookSleep ?? sleep ?? advance, progress: progress)
        guard cxone != nil || sleep != nil else {
            return h.app.scheduleWorker(webhooks: webhooks, progress: progress.append)
        }
        return ScheduleWorker(
            store: h.store, cxone: cxone ?? h.client, webhooks: webhooks, now: clock.closure, sleep: sleep ?? advance,
            logger: ReportHarness.quiet, progress: progress.append)
    }

    /// Schedule submissions that reached CXone with a valid token (a 401 only means the token expired while
    /// the clock moved on, and is retried with a fresh one).
    func schedulePosts(_ h: ReportHarness) -> Int {
        h.simulator.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/schedules") && $0.status != 401 }
            .count
    }

    @Test func aJobSubmitsOneSchedulePerZoneMonitorsAndDeliversASignedWebhook() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret, fail: 2)
        defer { receiver.stop() }
        try await withHarness { h, clock in
            let outcome = try await worker(h, clock: clock).run(try request(webhook: receiver.url))
            #expect(outcome.submitted.count == 5 && outcome.failed.isEmpty)
            #expect(Set(outcome.plan.windows.map(\.timeZone)) == Set(Self.zones))
            #expect(outcome.reachedExpected && outcome.completed == 5)
            #expect(outcome.webhook == .init(delivered: true, attempts: 3, reason: nil))
            let types = try await h.types().filter { ScheduleEvent.types.contains($0) }
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
            let log = try await h.store.events().map { String(decoding: $0.payload.bytes, as: UTF8.self) }.joined()
            #expect(!log.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
            // The job has finished (completed, webhook delivered): the same request again is the next job, with
            // windows, keys and a delivery of its own; nothing of the first is sent again.
            let again = try await worker(h, clock: clock).run(try request(webhook: receiver.url))
            #expect(again.job != outcome.job && again.webhook?.delivered == true)
            let keys = h.simulator.requests().filter { $0.path.hasSuffix("/schedules") && $0.status == 201 }
                .compactMap(\.idempotencyKey)
            #expect(keys.count == 10 && Set(keys).count == 10)
            #expect(Set(try receiver.deliveries().compactMap(\.id)).count == 2)
        }
    }

    @Test func aSubmissionWhoseOutcomeWasLostIsResentWithItsKeyAndCXoneKeepsOneSchedule() async throws {
        try await withHarness { h, clock in
            let request = try request()
            // What a crash after the POST and before its outcome leaves: the intent recorded, CXone holding the
            // schedule, no outcome in the log.
            let plan = try request.planner.plan(
                campaignID: "CAMPAIGN_001", contacts: request.contacts, after: clock.now())
            let job = request.jobID(generation: 1)
            let window = try #require(plan.windows.first)
            let key = window.idempotencyKey(job: job)
            _ = try await h.client.submitSchedule(
                campaignID: "CAMPAIGN_001", schedule: window.requestBody, idempotencyKey: key)
            var intent = ScheduleSubmission(job: job, key: key, timeZone: window.timeZone, start: window.start)
            intent.request = window.requestBody
            _ = try await h.store.append([
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
        try await withHarness { h, clock in
            var request = try request()
            request.analyticsPageSize = 2
            let outcome = try await worker(h, clock: clock).run(request)
            #expect(outcome.reachedExpected && outcome.completed == 5)
            let samples = try await h.store.events(EventQuery(type: ScheduleEvent.analyticsSampled))
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
        try await withHarness { h, clock in
            let outcome = try await worker(h, clock: clock).run(
                try request(webhook: receiver.url))
            #expect(outcome.webhook?.delivered == false && outcome.webhook?.attempts == 1)
            await #expect(try h.types().last == "WebhookAbandoned")
            #expect(try receiver.deliveries().map(\.status) == [410])
        }
    }

    @Test func monitoringStopsAtTheTimeoutWithoutAWebhook() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret)
        defer { receiver.stop() }
        try await withHarness { h, clock in
            var request = try request(expected: 1_000, webhook: receiver.url)
            request.timeout = .seconds(120)
            let outcome = try await worker(h, clock: clock).run(request)
            #expect(!outcome.reachedExpected && outcome.webhook == nil)
            let types = try await h.types()
            #expect(types.filter { $0 == "AnalyticsSampled" }.count == 5, "polls at 0, 30, 60, 90 and 120 s")
            #expect(types.last == "CampaignMonitorTimedOut")
            #expect(try receiver.deliveries().isEmpty)
        }
    }
}

/// Progress lines as a worker reports them.
final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var append: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
}
