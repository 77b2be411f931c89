/// `CronTickHandled`: what a cron runner did about one scheduled time of one job. Recorded once per
/// (job, scheduled time) through the log's idempotency index, so a restarted runner never fires a tick
/// twice.
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

    /// A tick with every field given.
    public init(job: String, scheduledAt: Timestamp, outcome: Outcome, alsoMissed: Int = 0) {
        self.job = job
        self.scheduledAt = scheduledAt
        self.outcome = outcome
        self.alsoMissed = alsoMissed
    }

    /// The stream of a job's ticks.
    public static func stream(_ job: String) -> String { "job:\(job)" }

    /// The key that makes a tick at most once: `cron:JOB:SCHEDULED_AT`.
    public var idempotencyKey: String { "cron:\(job):\(scheduledAt.rfc3339)" }

    /// As stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "job": .string(job), "scheduled_at": .string(scheduledAt.rfc3339), "outcome": .string(outcome.rawValue),
        ]
        if alsoMissed > 0 { fields["also_missed"] = .int(Int64(alsoMissed)) }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let outcome = Outcome(rawValue: try read.string("outcome")) else {
            throw read.fail("outcome", "must be run, missed or skipped_overlap")
        }
        self.init(
            job: try read.string("job"), scheduledAt: try read.instant("scheduled_at"), outcome: outcome,
            alsoMissed: json["also_missed"] == nil ? 0 : Int(try read.int("also_missed")))
    }
}
