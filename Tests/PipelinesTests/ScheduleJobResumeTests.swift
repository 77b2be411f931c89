import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import Delivery
@testable import Pipelines

/// A job is its request, not its time: a rerun at any instant carries on the newest unfinished job, and plans
/// a new one only after that one finished; a job finishes what it started (its webhook included).
extension ScheduleWorkerTests {
    struct Killed: Error {}

    /// CXone whose analytics do not answer: monitoring never sees the campaign complete.
    struct AnalyticsDown: OutboundCampaigns {
        let inner: CXoneClient
        func submitSchedule(campaignID: String, schedule: JSONValue, idempotencyKey: String?) async throws
            -> ScheduleReceipt
        {
            try await inner.submitSchedule(campaignID: campaignID, schedule: schedule, idempotencyKey: idempotencyKey)
        }
        func analytics(_ query: AnalyticsQuery) async throws -> AnalyticsResult { throw Killed() }
    }

    /// Runs a job that submits every window and is killed while it waits for its first poll's answer to
    /// repeat: planned and submitted, monitoring never ended. Returns its id.
    private func interruptedJob(_ h: ReportHarness, _ clock: ManualClock) async throws -> String {
        let killedWorker = worker(
            h, clock: clock, cxone: AnalyticsDown(inner: h.client), sleep: { _ in throw Killed() })
        let job = try request()
        await #expect(throws: Killed.self) { try await killedWorker.run(job) }
        #expect(schedulePosts(h) == 5)
        let started = try #require(try await h.store.events(EventQuery(type: ScheduleEvent.jobStarted)).last)
        return try #require(try started.payload.decoded()["job"]?.stringValue)
    }

    private func jobs(_ h: ReportHarness) async throws -> [String] {
        try await h.store.events(EventQuery(type: ScheduleEvent.windowsPlanned)).map {
            try #require(try $0.payload.decoded()["job"]?.stringValue)
        }
    }

    @Test func aRerunBeforeTheFirstWindowCarriesOnTheSameJob() async throws {
        try await withHarness { h, clock in
            let job = try await interruptedJob(h, clock)
            clock.advance(milliseconds: 30 * 60_000)
            let outcome = try await worker(h, clock: clock).run(try request())
            #expect(outcome.job == job && outcome.reachedExpected)
            #expect(schedulePosts(h) == 5, "nothing submitted twice")
            await #expect(try jobs(h) == [job])
        }
    }

    @Test func aRerunAfterTheFirstWindowBeganCarriesOnTheSameJobAndItsPlan() async throws {
        try await withHarness { h, clock in
            let job = try await interruptedJob(h, clock)
            // 2026-12-07T00:00Z: Lord Howe's window began at 22:00Z; the others have not.
            clock.advance(milliseconds: 3 * 3_600_000)
            let lines = Lines()
            let outcome = try await worker(h, clock: clock, progress: lines).run(try request())
            #expect(outcome.job == job && outcome.submitted.count == 5 && outcome.reachedExpected)
            #expect(outcome.plan.plannedAfter == Self.beforeWindows, "the recorded plan, not a new one")
            #expect(schedulePosts(h) == 5, "no duplicate schedules at CXone")
            await #expect(try jobs(h) == [job])
            #expect(lines.all.first == "resuming job \(job) (planned at 2026-12-06T21:00:00Z)")
        }
    }

    @Test func aRerunAfterTheJobCompletedPlansTheNextOneAfterItsLastFireTime() async throws {
        try await withHarness { h, clock in
            let first = try await worker(h, clock: clock).run(try request())
            #expect(first.reachedExpected)
            clock.advance(milliseconds: 3 * 3_600_000)
            let next = try await worker(h, clock: clock).run(try request())
            #expect(next.job != first.job)
            #expect(first.job.hasSuffix("-1") && next.job.hasSuffix("-2"))
            #expect(schedulePosts(h) == 10)
            // The new job's windows all come after the first job's last fire time (Los Angeles, 17:00Z).
            let lastFire = try #require(first.plan.windows.map(\.fireTime).max())
            #expect(next.plan.windows.allSatisfy { $0.fireTime > lastFire })
            #expect(Set(next.plan.windows.map(\.timeZone)) == Set(Self.zones))
            await #expect(try jobs(h) == [first.job, next.job])
        }
    }

    @Test func aRerunOnceEveryWindowIsOverPlansANewJobAndANamedJobIsCarriedOn() async throws {
        try await withHarness { h, clock in
            let job = try await interruptedJob(h, clock)
            // 2026-12-08T00:00Z: every window of the interrupted job ended (the last at 21:00Z on the 7th).
            clock.advance(milliseconds: 27 * 3_600_000)
            let next = try await worker(h, clock: clock).run(try request())
            #expect(next.job != job && schedulePosts(h) == 10)
            // Named, the old job is carried on: its schedules are recorded, so only monitoring is left.
            let named = try await worker(h, clock: clock).run(try request(), job: job)
            #expect(named.job == job && named.reachedExpected && schedulePosts(h) == 10)
            let otherRequest = try request(cron: "0 10 * * *")
            await #expect(throws: DialerCoreError.self) {
                try await worker(h, clock: clock).run(otherRequest, job: job)
            }
        }
    }

    @Test func aDeliveryKilledBetweenAttemptsIsResumedWithItsIdAndAttemptNumbersGoingOn() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret, fail: 1)
        defer { receiver.stop() }
        try await withHarness { h, clock in
            // Killed while waiting to retry the first attempt's 503.
            let lines = Lines()
            let killed = worker(h, clock: clock, webhookSleep: { _ in throw Killed() }, progress: lines)
            let withWebhook = try request(webhook: receiver.url)
            await #expect(throws: Killed.self) { try await killed.run(withWebhook) }
            #expect(lines.all.last?.hasSuffix("attempt 1: 503; next in 5s") == true, "\(lines.all)")
            await #expect(try h.types().last == "WebhookAttempted")

            let resumed = try await worker(h, clock: clock).run(try request(webhook: receiver.url))
            #expect(resumed.webhook == .init(delivered: true, attempts: 2, reason: nil))
            let deliveries = try receiver.deliveries()
            #expect(deliveries.map(\.status) == [503, 204])
            #expect(Set(deliveries.compactMap(\.id)).count == 1 && deliveries[0].body == deliveries[1].body)
            let attempts = try await h.store.events(EventQuery(type: ScheduleEvent.webhookAttempted)).map {
                try $0.payload.decoded()["attempt"]?.intValue
            }
            #expect(attempts == [1, 2])
            #expect(try await h.store.events(EventQuery(type: ScheduleEvent.webhookRequested)).count == 1)
            #expect(schedulePosts(h) == 5)
        }
    }

    @Test func anAbandonedDeliveryIsTriedAgainOnRerunAndTheJobIsUnfinishedUntilDelivered() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret, fail: 2)
        defer { receiver.stop() }
        try await withHarness { h, clock in
            // A short schedule: two attempts, both 503, then abandoned.
            let short = h.app.scheduleWorker(
                webhooks: webhooks(
                    h, schedule: WebhookRetrySchedule(delays: [.seconds(1)]), sleep: { _ in }, progress: Lines()))
            let first = try await short.run(try request(webhook: receiver.url))
            #expect(first.webhook?.delivered == false && first.webhook?.attempts == 2)
            // Abandoned is not finished: the rerun carries on the same job and delivers.
            let again = try await short.run(try request(webhook: receiver.url))
            #expect(again.job == first.job)
            #expect(again.webhook == .init(delivered: true, attempts: 3, reason: nil))
            #expect(try receiver.deliveries().map(\.status) == [503, 503, 204])
            // Delivered, the job is finished: a rerun plans the next one.
            let next = try await short.run(try request(webhook: receiver.url))
            #expect(next.job != first.job)
        }
    }

    @Test func aBadWebhookURLIsRefusedBeforeAnythingIsPlannedOrSent() async throws {
        try await withHarness { h, clock in
            var request = try request()
            request.webhook = ("ftp://hooks.example.com/done?token=s3cr3t", try WebhookSecret(Self.secret))
            await #expect {
                try await worker(h, clock: clock).run(request)
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("webhook: ftp://hooks.example.com/done is not an http")
                    && !text.contains("s3cr3t")
            }
            await #expect(try h.types().isEmpty && schedulePosts(h) == 0)
        }
    }

    @Test func aPlanWithNoWindowIsAnErrorNamingWhyAndNothingIsRecorded() async throws {
        try await withHarness { h, clock in
            let lateEvening = try request(cron: "30 22 * * *")
            await #expect {
                try await worker(h, clock: clock).run(lateEvening)
            } throws: { error in
                "\(error)".hasPrefix("cron: every fire time is outside calling hours, so there is no window to submit")
            }
            await #expect(try h.types().isEmpty && schedulePosts(h) == 0)
        }
    }

    @Test func aTruncatedCreatedAnswerIsRetriedWithTheSameKeyInTheSameRun() async throws {
        try await withHarness { h, clock in
            h.simulator.script(.truncatedAfterEffect(endpoint: .schedules))
            let outcome = try await worker(h, clock: clock).run(try request())
            #expect(outcome.submitted.count == 5 && outcome.failed.isEmpty)
            #expect(schedulePosts(h) == 6, "the cut answer's request sent again with its key")
            #expect(Set(outcome.submitted.values).count == 5, "CXone kept one schedule per window")
            await #expect(try h.types().filter { $0 == ScheduleEvent.submissionFailed }.isEmpty)
            let keys = h.simulator.requests().filter { $0.path.hasSuffix("/schedules") }.map(\.idempotencyKey)
            #expect(keys[0] == keys[1], "the retry carried the same Idempotency-Key")
        }
    }
}
