/// The recent ticks of one job as several runners on one log see them: the newest handling of each
/// scheduled time, the renewals of claims, and which runs ended. Decides which claims lapsed with their run unfinished (the claimant
/// crashed) and what another runner records about each: a new claim while the tick is within the job's
/// starting deadline of the lapse, else the tick as missed. Pure: the events and `now` are given.
public struct CronTickClaims: Sendable {
    /// The newest attempt at each scheduled time.
    public private(set) var latest: [Timestamp: CronTickHandled] = [:]
    /// The newest scheduled time any runner handled, however old.
    public var newest: Timestamp?
    /// Scheduled times whose run ended: it generated a report or failed as a whole.
    public var ended: Set<Timestamp> = []
    /// The latest lapse each claim was renewed to, by the claim's idempotency key.
    public private(set) var renewed: [String: Timestamp] = [:]

    /// No ticks yet.
    public init() {}

    /// Folds one recorded tick.
    public mutating func apply(_ tick: CronTickHandled) {
        if tick.attempt >= latest[tick.scheduledAt]?.attempt ?? 0 { latest[tick.scheduledAt] = tick }
    }

    /// Folds one recorded renewal (in any order with the claim it renews).
    public mutating func apply(_ renewal: CronTickClaimRenewed) {
        renewed[renewal.claimKey] = max(renewed[renewal.claimKey] ?? renewal.claimedUntil, renewal.claimedUntil)
    }

    /// When `claim` lapses: its `claimedUntil` or its latest renewal, whichever is later (nil: never).
    public func lapse(of claim: CronTickHandled) -> Timestamp? {
        guard let until = claim.claimedUntil else { return nil }
        return max(until, renewed[claim.idempotencyKey] ?? until)
    }

    /// Whether some runner holds a claim on the job at `now`: a run not ended whose claim has not lapsed.
    public func held(at now: Timestamp) -> Bool {
        latest.values.contains { claim in
            claim.outcome == .run && !ended.contains(claim.scheduledAt) && lapse(of: claim).map { now < $0 } == true
        }
    }

    /// How far back a runner looks for lapsed claims: room for a claim made at the starting deadline and a
    /// few takeovers after it.
    public static func horizon(lease: Duration, startingDeadline: Duration) -> Duration {
        (lease + startingDeadline) * 4
    }

    /// What to record for each claim that lapsed with its run unfinished, oldest first: the next attempt,
    /// claimed until `now + lease`, when `now` is within `startingDeadline` of the lapse; else that attempt as
    /// missed. Claims without a lapse (from logs before leases) are never taken over.
    public func takeovers(now: Timestamp, lease: Duration, startingDeadline: Duration) -> [CronTickHandled] {
        latest.values.sorted { $0.scheduledAt < $1.scheduledAt }.compactMap { claim in
            guard claim.outcome == .run, let lapse = lapse(of: claim), now >= lapse,
                !ended.contains(claim.scheduledAt)
            else { return nil }
            let late = now.milliseconds - lapse.milliseconds > startingDeadline.milliseconds
            return CronTickHandled(
                job: claim.job, scheduledAt: claim.scheduledAt, outcome: late ? .missed : .run,
                attempt: claim.attempt + 1, claimedUntil: late ? nil : now.adding(lease))
        }
    }
}
