import DialerCore

/// How one run of a cron job ended: its report, the outcome and why, and what of its publication is
/// unfinished.
public struct JobRun: Sendable {
    public var job: String
    public var scheduledAt: Timestamp
    /// The report's id (the one it would have had when the run failed).
    public var reportID: String?
    /// succeeded, partial or failed.
    public var outcome: JobStatus.Outcome
    /// Why it failed, or which campaigns a partial report lacks.
    public var reason: String?
    /// What of the report's publication is unfinished (the next run or `report publish` finishes it).
    public var unfinished: [String] = []

    /// A run of `job` for `scheduledAt` that has not reported yet.
    public init(job: String, scheduledAt: Timestamp, outcome: JobStatus.Outcome) {
        self.job = job
        self.scheduledAt = scheduledAt
        self.outcome = outcome
    }
}

/// What became of a tick a person asked to run now (`jobs run`).
public enum ManualTick: Sendable {
    /// It ran: how.
    case ran(JobRun)
    /// A previous run of the job still runs under a claim: the tick was recorded as skipped.
    case skippedOverlap
    /// The tick was handled before (by a cron runner or an earlier `jobs run`): this, as recorded; nothing ran.
    case alreadyHandled(CronTickHandled)
}
