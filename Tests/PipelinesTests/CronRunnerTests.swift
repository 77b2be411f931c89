import CXone
import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import Delivery
@testable import Pipelines

/// The cron runner against the simulator and a real log, on a manual clock.
@Suite struct CronRunnerTests {
    private func job(_ deadline: Duration = .seconds(300)) throws -> ReportJob {
        var job = ReportJob(
            id: "weekday-9am",
            schedule: try CronSchedule(parsing: "0 9 * * MON-FRI", timeZone: TimeZone(identifier: "UTC")!),
            campaigns: ["CAMPAIGN_001"])
        job.startingDeadline = deadline
        return job
    }

    private func ticks(_ h: ReportHarness) async throws -> [CronTickHandled] {
        try await h.store.withSnapshot { snapshot in
            var ticks: [CronTickHandled] = []
            try snapshot.scanInPlace(EventQuery(type: CronTickHandled.storedType)) { view in
                ticks.append(try CronTickHandled(json: JSONParser.parse(Array(view.payloadBytes))))
                return true
            }
            return ticks
        }
    }

    @Test func aTickRunsOnceEvenAcrossRestartsAndDowntimeIsRecorded() async throws {
        try await ReportHarness.with { h in
            let clock = Mutex(try Timestamp(rfc3339: "2026-11-30T08:59:30Z"))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            let first = CronRunner(jobs: [try job()], store: h.store, reports: h.runner, now: now)
            await #expect(try first.tick() == (try Timestamp(rfc3339: "2026-11-30T09:00:00Z")), "wakes at the tick")
            let fiveSecondsIn = try Timestamp(rfc3339: "2026-11-30T09:00:05Z")
            clock.withLock { $0 = fiveSecondsIn }
            try await first.tick()
            await first.waitForRuns()
            // A second runner (a restart) at the same moment finds the tick handled and runs nothing.
            let restarted = CronRunner(jobs: [try job()], store: h.store, reports: h.runner, now: now)
            try await restarted.tick()
            await restarted.waitForRuns()
            // Down until Thursday 09:02: Tuesday and Wednesday were missed, Thursday still runs.
            let thursday = try Timestamp(rfc3339: "2026-12-03T09:02:00Z")
            clock.withLock { $0 = thursday }
            let afterDowntime = CronRunner(jobs: [try job()], store: h.store, reports: h.runner, now: now)
            try await afterDowntime.tick()
            await afterDowntime.waitForRuns()
            let handled = try await ticks(h).map { "\($0.scheduledAt.rfc3339Seconds) \($0.outcome.rawValue)" }
            #expect(
                handled == [
                    "2026-11-30T09:00:00Z run", "2026-12-01T09:00:00Z missed", "2026-12-02T09:00:00Z missed",
                    "2026-12-03T09:00:00Z run",
                ])
            let runs = try await h.store.withSnapshot { snapshot in
                var runs: [ReportRunStarted] = []
                try snapshot.scanInPlace(EventQuery(type: ReportEvent.runStarted)) { view in
                    runs.append(try ReportRunStarted(json: JSONParser.parse(Array(view.payloadBytes))))
                    return true
                }
                return runs
            }
            #expect(runs.map(\.trigger) == [.cron, .cron])
            #expect(runs.first?.scheduled?.job == "weekday-9am")
            #expect(runs.first?.window.start == (try Timestamp(rfc3339: "2026-11-29T09:00:00Z")), "the previous 24 h")
            #expect(runs.last?.scheduled?.at == (try Timestamp(rfc3339: "2026-12-03T09:00:00Z")))
        }
    }

    @Test func aTickDuringARunningRunIsSkippedAndRecorded() async throws {
        try await ReportHarness.with(slowMilliseconds: 400) { h in
            var every = try job()
            every.schedule = try CronSchedule(parsing: "@every 1s", timeZone: TimeZone(identifier: "UTC")!)
            let clock = Mutex(try Timestamp(rfc3339: "2026-11-30T09:00:00Z"))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            let runner = CronRunner(jobs: [every], store: h.store, reports: h.runner, now: now)
            try await runner.tick()  // a new job starts from now: nothing is due yet
            clock.withLock { $0.milliseconds += 1_000 }
            try await runner.tick()  // runs (the simulator takes 400 ms to answer)
            clock.withLock { $0.milliseconds += 1_000 }
            try await runner.tick()  // the run is still going
            await runner.waitForRuns()
            await #expect(try ticks(h).map(\.outcome) == [.run, .skippedOverlap])
        }
    }

    private func runsStarted(_ h: ReportHarness) async throws -> [ReportRunStarted] {
        try await h.store.withSnapshot { snapshot in
            var runs: [ReportRunStarted] = []
            try snapshot.scanInPlace(EventQuery(type: ReportEvent.runStarted)) { view in
                runs.append(try ReportRunStarted(view))
                return true
            }
            return runs
        }
    }

    @Test func twoRunnersOnOneLogRunEachTickOfAnEvery5sJobOnceForAMinute() async throws {
        try await ReportHarness.with { h in
            var every = try job()
            every.schedule = try CronSchedule(parsing: "@every 5s", timeZone: TimeZone(identifier: "UTC")!)
            let clock = Mutex(try Timestamp(rfc3339: "2026-11-30T09:00:00Z"))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            // Two instances: two runners, each with its own memory, on one log.
            let runners = (0..<2).map { _ in CronRunner(jobs: [every], store: h.store, reports: h.runner, now: now) }
            for _ in 0...12 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for runner in runners { group.addTask { try await runner.tick() } }
                    try await group.waitForAll()
                }
                for runner in runners { await runner.waitForRuns() }
                clock.withLock { $0.milliseconds += 5_000 }
            }
            let ticks = try await ticks(h)
            #expect(ticks.count == 12 && ticks.allSatisfy { $0.outcome == .run && $0.attempt == 1 })
            #expect(Set(ticks.map(\.scheduledAt)).count == 12, "each scheduled time once")
            let runs = try await runsStarted(h)
            #expect(runs.compactMap(\.scheduled?.at).sorted() == ticks.map(\.scheduledAt).sorted(), "one run per tick")
        }
    }

    @Test func aClaimWhoseRunnerCrashedIsTakenOverOnceItsLeaseLapses() async throws {
        try await ReportHarness.with { h in
            var every = try job()
            every.lease = .seconds(60)
            let scheduled = try Timestamp(rfc3339: "2026-11-30T09:00:00Z")
            let clock = Mutex(scheduled.adding(.seconds(1)))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            // A runner claimed the tick and died before its run started.
            let crashed = CronTickHandled(
                job: every.id, scheduledAt: scheduled, outcome: .run, claimedUntil: scheduled.adding(.seconds(61)))
            _ = try await h.store.append([
                EventDraft(crashed, stream: CronTickHandled.stream(every.id), idempotencyKey: crashed.idempotencyKey)
            ])
            let survivors = (0..<2).map { _ in CronRunner(jobs: [every], store: h.store, reports: h.runner, now: now) }
            for runner in survivors { try await runner.tick() }
            #expect(try await runsStarted(h).isEmpty, "held until the lease lapses")
            clock.withLock { $0 = scheduled.adding(.seconds(61)) }
            for runner in survivors {
                try await runner.tick()
                await runner.waitForRuns()
            }
            clock.withLock { $0 = scheduled.adding(.seconds(200)) }
            for runner in survivors { try await runner.tick() }
            #expect(try await ticks(h).map { "\($0.outcome.rawValue) \($0.attempt)" } == ["run 1", "run 2"])
            #expect(try await runsStarted(h).compactMap(\.scheduled?.at) == [scheduled], "run once, after the lapse")
        }
    }

    @Test func aRunLongerThanItsLeaseRenewsItsClaimAndIsNotTakenOver() async throws {
        try await ReportHarness.with { h in
            var every = try job()
            every.lease = .seconds(60)
            let scheduled = try Timestamp(rfc3339: "2026-11-30T09:00:00Z")
            let clock = Mutex(scheduled.adding(.seconds(-1)))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            // The first runner's run waits on a gate in its fetch; its renewals wait on beats the test gives.
            let (fetches, opening) = AsyncStream<Void>.makeStream()
            let slow = ReportRunner(
                store: h.store, source: GatedSource(base: h.client, gate: fetches), now: now,
                logger: ReportHarness.quiet)
            let beats = Beats()
            let first = CronRunner(
                jobs: [every], store: h.store, reports: slow, now: now, sleep: { _ in try await beats.wait() })
            let second = CronRunner(jobs: [every], store: h.store, reports: h.runner, now: now)
            for runner in [first, second] { try await runner.tick() }
            clock.withLock { $0 = scheduled.adding(.seconds(1)) }
            try await first.tick()  // claims the tick until 09:01:01 and starts the run
            clock.withLock { $0 = scheduled.adding(.seconds(50)) }
            beats.give()  // a third of the lease has passed: renewed until 09:01:50
            #expect(
                try await eventually { try await renewals(h).map(\.claimedUntil) == [scheduled.adding(.seconds(110))] })
            clock.withLock { $0 = scheduled.adding(.seconds(90)) }
            try await second.tick()  // past the first lease, within the renewed one
            #expect(try await ticks(h).map { "\($0.outcome.rawValue) \($0.attempt)" } == ["run 1"], "not taken over")
            opening.finish()
            await first.waitForRuns()
            clock.withLock { $0 = scheduled.adding(.seconds(200)) }
            try await second.tick()
            await second.waitForRuns()
            #expect(try await ticks(h).map { "\($0.outcome.rawValue) \($0.attempt)" } == ["run 1"], "the run ended")
            #expect(try await runsStarted(h).compactMap(\.scheduled?.at) == [scheduled], "run once")
        }
    }

    @Test func aClaimRenewedThenAbandonedIsTakenOverALeaseAfterItsLastRenewal() async throws {
        try await ReportHarness.with { h in
            var every = try job()
            every.lease = .seconds(60)
            let scheduled = try Timestamp(rfc3339: "2026-11-30T09:00:00Z")
            let clock = Mutex(scheduled.adding(.seconds(100)))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            // A runner claimed the tick, renewed its claim once until 09:01:50, and crashed.
            let crashed = CronTickHandled(
                job: every.id, scheduledAt: scheduled, outcome: .run, claimedUntil: scheduled.adding(.seconds(61)))
            let stream = CronTickHandled.stream(every.id)
            _ = try await h.store.append([
                EventDraft(crashed, stream: stream, idempotencyKey: crashed.idempotencyKey),
                EventDraft(CronTickClaimRenewed(crashed, until: scheduled.adding(.seconds(110))), stream: stream),
            ])
            let survivor = CronRunner(jobs: [every], store: h.store, reports: h.runner, now: now)
            try await survivor.tick()
            #expect(try await runsStarted(h).isEmpty, "held until a lease after the renewal")
            clock.withLock { $0 = scheduled.adding(.seconds(110)) }
            try await survivor.tick()
            await survivor.waitForRuns()
            #expect(try await ticks(h).map { "\($0.outcome.rawValue) \($0.attempt)" } == ["run 1", "run 2"])
            #expect(try await runsStarted(h).compactMap(\.scheduled?.at) == [scheduled], "taken over and run")
        }
    }

    private func renewals(_ h: ReportHarness) async throws -> [CronTickClaimRenewed] {
        try await h.store.withSnapshot { snapshot in
            var renewals: [CronTickClaimRenewed] = []
            try snapshot.scanInPlace(EventQuery(type: CronTickClaimRenewed.storedType)) { view in
                renewals.append(try CronTickClaimRenewed(view))
                return true
            }
            return renewals
        }
    }

    @Test func aCronRunPublishesItsReportToTheJobsRecipients() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var settings = PublishSettings(
                objects: LocalObjectStore(
                    root: folder.appending("objects"), baseURL: "http://127.0.0.1:8080",
                    signingKey: LinkSigningKey(bytes: Array(repeating: 1, count: 32))),
                mailer: MailFolder(path: folder.appending("mail")))
            settings.recipients = ["default@example.com"]
            var job = try job()
            job.recipients = ["team@example.com"]
            let clock = Mutex(try Timestamp(rfc3339: "2026-11-30T08:59:59Z"))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            let runner = CronRunner(jobs: [job], store: h.store, reports: h.runner, publishing: settings, now: now)
            try await runner.tick()
            clock.withLock { $0.milliseconds += 2_000 }
            try await runner.tick()
            await runner.waitForRuns()
            let (reportID, publication) = try #require(
                try await h.store.withSnapshot { try ReportDirectory.publications(snapshot: $0) }.first)
            #expect(publication.isComplete(maxEmailAttempts: 3))
            #expect(publication.publicationRequested?.recipients == ["team@example.com"], "recorded with the run")
            #expect(publication.requested?.recipients == ["team@example.com"])
            #expect(publication.requested?.address.key == "reports/dialer_2026-11-30_\(reportID).json")
            let mail = try FileManager.default.contentsOfDirectory(atPath: folder.appending("mail"))
            #expect(mail.filter { $0.hasSuffix(".eml") }.count == 1)
        }
    }

    @Test func previousBusinessDaySkipsTheWeekendInTheReportZone() throws {
        var job = try job()
        job.window = .previousBusinessDay
        let zone = TimeZone(identifier: "America/New_York")!
        // Monday 30 November 2026, 09:00 in New York: the previous business day is Friday 27.
        let window = job.reportWindow(for: try Timestamp(rfc3339: "2026-11-30T14:00:00Z"), zone: zone)
        #expect(window.start == (try Timestamp(rfc3339: "2026-11-27T05:00:00Z")))
        #expect(window.end == (try Timestamp(rfc3339: "2026-11-28T05:00:00Z")))
    }
}

/// The simulator's campaign reports, each held until `gate` finishes.
private struct GatedSource: CampaignReportSource {
    let base: any CampaignReportSource
    let gate: AsyncStream<Void>

    func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        for await _ in gate {}
        return try await base.campaignReport(campaignID: campaignID, start: start, end: end)
    }
}

/// A sleep that ends when the test gives a beat (one beat per sleep), or throws when its task is cancelled.
private final class Beats: Sendable {
    private let state = Mutex((given: 0, waiter: CheckedContinuation<Void, any Error>?.none, cancelled: false))

    func give() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.given += 1
                return CheckedContinuation<Void, any Error>?.none
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled { return .failure(CancellationError()) }
                    if state.given > 0 {
                        state.given -= 1
                        return .success(())
                    }
                    state.waiter = continuation
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.cancelled = true
                return state.waiter.take()
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
