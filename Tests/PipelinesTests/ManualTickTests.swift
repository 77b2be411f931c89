import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import Pipelines

/// A tick run now (`jobs run`) on the cron path, and the job lines the cron runner logs, against the simulator
/// and a real log on a manual clock.
@Suite struct ManualTickTests {
    private func job() throws -> ReportJob {
        ReportJob(
            id: "weekday-9am", schedule: try CronSchedule(parsing: "0 9 * * MON-FRI", timeZone: .gmt),
            campaigns: ["CAMPAIGN_001"])
    }

    @Test func aTickTheCronRanIsNotRunAgainAndANewOneRunsAsManual() async throws {
        try await ReportHarness.with { h in
            let clock = Mutex(try Timestamp(rfc3339: "2026-11-30T08:59:30Z"))
            let now: @Sendable () -> Timestamp = { clock.withLock { $0 } }
            let cron = CronRunner(jobs: [try job()], store: h.store, reports: h.runner, now: now)
            try await cron.tick()
            let fiveSecondsIn = try Timestamp(rfc3339: "2026-11-30T09:00:05Z")
            clock.withLock { $0 = fiveSecondsIn }
            try await cron.tick()
            await cron.waitForRuns()
            let lines = LogCapture()
            let manual = CronRunner(
                jobs: [try job()], store: h.store, reports: h.runner, now: now, logger: lines.logger)
            let nine = try Timestamp(rfc3339: "2026-11-30T09:00:00Z")
            guard case .alreadyHandled(let recorded) = try await manual.runNow(job: "weekday-9am", scheduledAt: nine)
            else {
                Issue.record("the cron's tick ran again")
                return
            }
            #expect(recorded.outcome == .run && recorded.scheduledAt == nine)
            #expect(lines.find("job skipped: claimed by another instance")?["job"] == "weekday-9am")

            let later = try Timestamp(rfc3339: "2026-11-30T09:00:04Z")
            guard case .ran(let run) = try await manual.runNow(job: "weekday-9am", scheduledAt: later) else {
                Issue.record("a new tick did not run")
                return
            }
            #expect(run.outcome == .succeeded && run.reportID != nil)
            let started = try #require(lines.find("job started"))
            #expect(started["trigger"] == "manual" && started["scheduled_at"] == "\(later)")
            let outcome = try #require(lines.find("job succeeded"))
            #expect(outcome["report_id"] == run.reportID && outcome["outcome"] == "succeeded")
            let status = try await h.store.withSnapshot {
                try JobStatus.read(job: "weekday-9am", snapshot: $0, now: now())
            }
            #expect(status.lastRun?.trigger == .manual && status.lastRun?.scheduledAt == later)
            #expect(status.lastRun?.reportID == run.reportID && status.lastRun?.outcome == .succeeded)
            #expect(status.lastRun?.endedAt != nil)
        }
    }

    @Test func anUnknownJobOrAFutureTickIsRefused() async throws {
        try await ReportHarness.with { h in
            let moment = try Timestamp(rfc3339: "2026-11-30T09:00:05Z")
            let runner = CronRunner(jobs: [try job()], store: h.store, reports: h.runner, now: { moment })
            await #expect(throws: DialerCoreError.self) {
                try await runner.runNow(job: "weekly", scheduledAt: moment)
            }
            do {
                _ = try await runner.runNow(job: "weekly", scheduledAt: moment)
            } catch {
                #expect("\(error)" == #"job: no job "weekly" is configured (known: weekday-9am)"#)
            }
            do {
                _ = try await runner.runNow(job: "weekday-9am", scheduledAt: moment.adding(.seconds(60)))
                Issue.record("a future tick ran")
            } catch DialerCoreError.invalidField(let field, _) {
                #expect(field == "at")
            }
            await #expect(try h.types().isEmpty, "nothing recorded")
        }
    }
}
