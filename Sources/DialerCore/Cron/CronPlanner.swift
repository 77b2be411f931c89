/// What a cron runner does about one job at one moment: which scheduled times to run, which to record
/// as missed, and when to look again. Pure: the last handled time and `now` are given.
///
/// Missed runs after downtime follow Kubernetes' `startingDeadlineSeconds`: of the times that came due
/// since the last handled one, the latest runs if it is no older than the deadline, and the others are
/// recorded as missed (at most `maxMissed`, then one summary).
public struct CronPlan: Sendable, Equatable {
    /// The scheduled time to run now, if any.
    public var run: Timestamp?
    /// Scheduled times that came due and will not run, oldest first.
    public var missed: [Timestamp]
    /// How many more were missed than `missed` lists (at least this many when `missedCountIsLowerBound`).
    public var missedBeyondList: Int
    /// Whether counting stopped early (a very frequent job down for long): the count is a lower bound.
    public var missedCountIsLowerBound = false
    /// When to look again (the next scheduled time, or sooner when sleeping is capped).
    public var wakeAt: Timestamp?

    /// The plan for `schedule` whose last handled time is `lastHandled`, at `now`.
    public init(
        schedule: CronSchedule, lastHandled: Timestamp, now: Timestamp, deadline: Duration,
        maxSleep: Duration = .seconds(60), maxMissed: Int = 100
    ) {
        let deadlineMs = deadline.milliseconds
        var due: [Timestamp] = []
        var overflow = 0
        var cursor = lastHandled
        var latest: Timestamp?
        while let next = schedule.next(after: cursor), next <= now {
            if due.count < maxMissed + 1 { due.append(next) } else { overflow += 1 }
            latest = next
            cursor = next
            // A very frequent job down for long: stop counting, and look only where a run may still be due.
            if overflow == 100_000, cursor.milliseconds < now.milliseconds - deadlineMs - 1 {
                missedCountIsLowerBound = true
                cursor = Timestamp(milliseconds: now.milliseconds - deadlineMs - 1)
            }
        }
        if let latest, now.milliseconds - latest.milliseconds <= deadlineMs {
            run = latest
            if due.last == latest { due.removeLast() } else { overflow -= 1 }
        } else {
            run = nil
        }
        if due.count > maxMissed {  // one place was kept for a run that did not come
            overflow += due.count - maxMissed
            due.removeLast(due.count - maxMissed)
        }
        missed = due
        missedBeyondList = max(0, overflow)
        let sleepMs = maxSleep.milliseconds
        let next = schedule.next(after: max(now, latest ?? now))
        wakeAt = next.map { Timestamp(milliseconds: min($0.milliseconds, now.milliseconds + sleepMs)) }
    }
}
