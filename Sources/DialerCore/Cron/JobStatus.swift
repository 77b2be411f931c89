import Foundation

/// What the log says about one cron job: its newest tick and its newest run with how the run ended (what
/// `jobs list` shows). Read by keys only: the job's tick stream newest first down to its newest run tick,
/// the run starts recorded since that tick (a run starts after its claim), and the run's own stream; never
/// a scan of history.
public struct JobStatus: Sendable {
    /// How the newest run stands.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Started and not ended, its claim held.
        case running
        /// Every campaign reported.
        case succeeded
        /// A report was generated without some campaigns.
        case partial
        /// No campaign could be fetched: no report.
        case failed
        /// Started, not ended, and its claim lapsed: its runner stopped; another runner takes it over.
        case lapsed
        /// Claimed but no run was recorded (the runner stopped first, or the job's request was refused).
        case notStarted = "not_started"
    }

    /// The newest run of the job.
    public struct Run: Sendable {
        /// The scheduled time it ran for.
        public var scheduledAt: Timestamp
        /// cron, or manual (`jobs run`).
        public var trigger: ReportTrigger?
        /// The report's id (nil when no run was recorded).
        public var reportID: String?
        /// When the run started and ended, as recorded.
        public var startedAt: Timestamp?
        public var endedAt: Timestamp?
        public var outcome: Outcome
        /// Why it failed, or which campaigns a partial report lacks.
        public var reason: String?
    }

    /// The newest tick, whatever became of it (run, missed, skipped_overlap), and when it was recorded.
    public var lastTick: (tick: CronTickHandled, recordedAt: Timestamp)?
    /// The newest tick that ran, with its run.
    public var lastRun: Run?

    /// The status of job `job` in `snapshot` at `now` (which decides whether an unfinished run's claim lapsed).
    public static func read(job: String, snapshot: any EventSnapshot, now: Timestamp) throws -> JobStatus {
        var status = JobStatus()
        var claim: (tick: CronTickHandled, seq: UInt64)?
        try snapshot.scanInPlace(EventQuery(stream: CronTickHandled.stream(job), newestFirst: true)) { view in
            let tick = try CronTickHandled(view)
            if status.lastTick == nil { status.lastTick = (tick, view.recordedAt) }
            if tick.outcome == .run { claim = (tick, view.seq) }
            return claim == nil
        }
        guard let claim else { return status }
        var run = Run(scheduledAt: claim.tick.scheduledAt, outcome: .notStarted)
        var started: (ReportRunStarted, seq: UInt64)?
        try snapshot.scanInPlace(EventQuery(type: ReportEvent.runStarted, afterSeq: claim.seq, newestFirst: true)) {
            view in
            let start = try ReportRunStarted(view)
            if let scheduled = start.scheduled, scheduled.job == job, scheduled.at == claim.tick.scheduledAt {
                started = (start, view.seq)
                run.startedAt = view.recordedAt
            }
            return started == nil
        }
        if let (start, seq) = started {
            run.trigger = start.trigger
            run.reportID = start.reportID
            run.outcome = claim.tick.claimedUntil.map { now >= $0 } == true ? .lapsed : .running
            try readEnd(of: start.runID, after: seq, snapshot: snapshot, into: &run)
        }
        status.lastRun = run
        return status
    }

    /// Sets how run `runID` ended, from its `ReportGenerated` or `ReportRunFailed`, if it has one.
    private static func readEnd(of runID: UUID, after seq: UInt64, snapshot: any EventSnapshot, into run: inout Run)
        throws
    {
        let stream = ReportEvent.runStream(runID)
        for type in [ReportEvent.generated, ReportEvent.runFailed] {
            try snapshot.scanInPlace(EventQuery(stream: stream, type: type, afterSeq: seq, newestFirst: true, limit: 1))
            { view in
                run.endedAt = view.recordedAt
                if type == ReportEvent.generated {
                    let generated = try ReportGenerated(view)
                    run.outcome = generated.failed.isEmpty ? .succeeded : .partial
                    run.reason =
                        generated.failed.isEmpty ? nil : "not reported: " + generated.failed.joined(separator: ",")
                } else {
                    let failed = try ReportRunFailed(view)
                    run.outcome = .failed
                    run.reason = failed.reason
                }
                return false
            }
        }
    }
}
