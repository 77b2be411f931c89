/// `CronTickHandled`: what a cron runner did about one scheduled time of one job. Recorded once per
/// (job, scheduled time) through the log's idempotency index, so a restarted runner never fires a tick
/// twice and of several runners on one log one only runs it. A run is a claim held until `claimedUntil`: a
/// claim whose run has not ended by then (its runner crashed) is taken over by another runner, with the next
/// `attempt` (keyed apart, so again one runner only takes it).
public struct CronTickHandled: RecordedEvent, Hashable {
    public static let storedType = "CronTickHandled"
    /// What became of the tick.
    public enum Outcome: String, Sendable, CaseIterable {
        /// The job ran for it.
        case run
        /// It came due while the runner was down and is past the starting deadline, or older ones were due.
        case missed
        /// The job's previous run was still running.
        case skippedOverlap = "skipped_overlap"
    }

    public var job: String
    public var scheduledAt: Timestamp
    public var outcome: Outcome
    /// With the last missed tick of a long downtime: how many more were missed and not listed one by one.
    public var alsoMissed: Int
    /// 1 for the first handling of the scheduled time; more for a takeover of a claim that lapsed.
    public var attempt: Int
    /// For a run: when the claim lapses if the run has not ended (nil in logs from before leases: never).
    public var claimedUntil: Timestamp?

    /// A tick with every field given.
    public init(
        job: String, scheduledAt: Timestamp, outcome: Outcome, alsoMissed: Int = 0, attempt: Int = 1,
        claimedUntil: Timestamp? = nil
    ) {
        self.job = job
        self.scheduledAt = scheduledAt
        self.outcome = outcome
        self.alsoMissed = alsoMissed
        self.attempt = attempt
        self.claimedUntil = claimedUntil
    }

    /// The stream of a job's ticks.
    public static func stream(_ job: String) -> String { "job:\(job)" }

    /// The key that makes each attempt at a tick at most once: `cron:JOB:SCHEDULED_AT`, then
    /// `cron:JOB:SCHEDULED_AT:attempt:N` for a takeover.
    public var idempotencyKey: String {
        "cron:\(job):\(scheduledAt.rfc3339)" + (attempt > 1 ? ":attempt:\(attempt)" : "")
    }

    /// As stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "job": .string(job), "scheduled_at": .string(scheduledAt.rfc3339), "outcome": .string(outcome.rawValue),
        ]
        if alsoMissed > 0 { fields["also_missed"] = .int(Int64(alsoMissed)) }
        if attempt > 1 { fields["attempt"] = .int(Int64(attempt)) }
        if let claimedUntil { fields["claimed_until"] = .string(claimedUntil.rfc3339) }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let outcome = Outcome(rawValue: try read.string("outcome")) else {
            throw read.fail("outcome", "must be run, missed or skipped_overlap")
        }
        let attempt = json["attempt"] == nil ? 1 : try read.int("attempt")
        guard attempt >= 1 else { throw read.fail("attempt", "must be 1 or more") }
        self.init(
            job: try read.string("job"), scheduledAt: try read.instant("scheduled_at"), outcome: outcome,
            alsoMissed: json["also_missed"] == nil ? 0 : Int(try read.int("also_missed")), attempt: Int(attempt),
            claimedUntil: json["claimed_until"] == nil ? nil : try read.instant("claimed_until"))
    }
}
