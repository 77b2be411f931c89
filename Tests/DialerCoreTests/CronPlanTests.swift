import DialerCore
import Foundation
import Testing

/// What a runner does about a job at a moment, hand-computed for a weekday 09:00 UTC job.
@Suite struct CronPlanTests {
    private let schedule: CronSchedule

    init() throws { schedule = try CronSchedule(parsing: "0 9 * * MON-FRI", timeZone: TimeZone(identifier: "UTC")!) }

    /// An instant written out, for the expectations.
    private func at(_ text: String) -> Timestamp {
        guard let instant = try? Timestamp(rfc3339: text) else { fatalError("bad instant in a test: \(text)") }
        return instant
    }

    @Test func nothingIsDueBetweenTicks() {
        let plan = CronPlan(
            schedule: schedule, lastHandled: at("2026-11-30T09:00:00Z"), now: at("2026-11-30T12:00:00Z"),
            deadline: .seconds(300))
        #expect(plan.run == nil && plan.missed.isEmpty)
        #expect(plan.wakeAt == at("2026-11-30T12:01:00Z"), "sleeps are capped at a minute")
    }

    @Test func aTickWithinTheDeadlineRuns() {
        let plan = CronPlan(
            schedule: schedule, lastHandled: at("2026-11-30T09:00:00Z"), now: at("2026-12-01T09:00:30Z"),
            deadline: .seconds(300), maxSleep: .seconds(86_400 * 7))
        #expect(plan.run == at("2026-12-01T09:00:00Z") && plan.missed.isEmpty)
        #expect(plan.wakeAt == at("2026-12-02T09:00:00Z"))
    }

    @Test func afterDowntimeTheLatestRunsAndTheOthersAreMissed() {
        let plan = CronPlan(
            schedule: schedule, lastHandled: at("2026-11-27T09:00:00Z"), now: at("2026-12-03T09:02:00Z"),
            deadline: .seconds(300))
        // Friday 27 handled; Monday 30, Tuesday 1 and Wednesday 2 were missed (the weekend has no ticks).
        #expect(plan.run == at("2026-12-03T09:00:00Z"))
        #expect(plan.missed == [at("2026-11-30T09:00:00Z"), at("2026-12-01T09:00:00Z"), at("2026-12-02T09:00:00Z")])
    }

    @Test func pastTheDeadlineEverythingIsMissedAndLongListsAreCounted() {
        let plan = CronPlan(
            schedule: schedule, lastHandled: at("2026-11-27T09:00:00Z"), now: at("2026-12-03T10:00:00Z"),
            deadline: .seconds(300), maxMissed: 2)
        #expect(plan.run == nil)
        #expect(plan.missed == [at("2026-11-30T09:00:00Z"), at("2026-12-01T09:00:00Z")])
        #expect(plan.missedBeyondList == 2)
    }
}
