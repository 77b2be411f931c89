import DialerCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs report jobs on their cron schedules, as a swift-service-lifecycle `Service`. Every tick is
/// recorded once (`CronTickHandled`, keyed by job and scheduled time), before its run starts, so a
/// restarted runner never fires it twice; a tick that comes while the job's previous run still runs is
/// recorded as skipped; after downtime the latest missed tick runs if it is within the job's starting
/// deadline and the others are recorded as missed. Sleeps are capped and re-read the wall clock, so a
/// suspend or a clock jump cannot silently drop a tick. Several runners on one log (instances on one
/// PostgreSQL store) run each tick once: the run's `CronTickHandled` is a claim held for the job's lease,
/// renewed (`CronTickClaimRenewed`) every third of the lease while the run goes on, and a claim that lapses
/// with its run unfinished (its runner crashed) is taken over by the first runner to see it. With publishing
/// settings, each run's report is published to the job's recipients, after unfinished publications are
/// resumed.
public final class CronRunner: Service, Sendable {
    let jobs: [ReportJob]
    let store: any EventStore
    private let reports: ReportRunner
    private let publishing: PublishSettings?
    let now: @Sendable () -> Timestamp
    private let sleep: @Sendable (Duration) async throws -> Void
    private let maxSleep: Duration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// The latest scheduled time handled, per job.
        var lastHandled: [String: Timestamp] = [:]
        /// Runs in flight, per job.
        var running: [String: Task<Void, Never>] = [:]
    }

    /// A runner of `jobs`, writing ticks to `store`, running reports with `reports` and publishing them as
    /// `publishing` says (not at all when nil).
    public init(
        jobs: [ReportJob], store: any EventStore, reports: ReportRunner, publishing: PublishSettings? = nil,
        now: @escaping @Sendable () -> Timestamp,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        maxSleep: Duration = .seconds(60), logger: Logger = Logger(label: "dialer-ledger.cron")
    ) {
        self.jobs = jobs
        self.store = store
        self.reports = reports
        self.publishing = publishing
        self.now = now
        self.sleep = sleep
        self.maxSleep = maxSleep
        self.logger = logger
    }

    /// Sets the jobs' gauges from the log (`OutcomeMetrics.seedJobs`), finishes the publications it finds
    /// unfinished (an earlier process's, or another instance's cut short), then ticks until cancelled or shut
    /// down gracefully, then waits for the runs in flight.
    public func run() async throws {
        do {
            try await OutcomeMetrics.seedJobs(jobs.map(\.id), from: store)
        } catch {
            logger.error("the jobs' last runs could not be read from the log", metadata: ["error": "\(error)"])
        }
        do {
            try await cancelWhenGracefulShutdown {
                await self.resumePublications()
                while true {
                    let wake = try await self.tick()
                    let wait = Duration.milliseconds(max(0, wake.milliseconds - self.now().milliseconds))
                    try await self.sleep(min(max(wait, .milliseconds(10)), self.maxSleep))
                }
            }
        } catch is CancellationError {
            logger.info("cron runner stopping; waiting for runs in flight")
        }
        await waitForRuns()
    }

    /// One pass: records and starts what is due for every job; returns when to look again.
    @discardableResult
    public func tick() async throws -> Timestamp {
        let moment = now()
        var wake = moment.adding(maxSleep)
        for job in jobs {
            let claims = try await recentClaims(job, now: moment)
            try await takeOver(job, claims, now: moment)
            // The newest tick in the log counts too: another instance may have handled a later one, and its
            // ticks set the schedule's grid (`@every`) for all. A new job does not catch up on earlier times.
            let remembered = state.withLock { $0.lastHandled[job.id] }
            let last = [remembered ?? claims.newest ?? moment, claims.newest].compactMap { $0 }.max() ?? moment
            state.withLock { $0.lastHandled[job.id] = last }
            let plan = CronPlan(
                schedule: job.schedule, lastHandled: last, now: moment, deadline: job.startingDeadline,
                maxSleep: maxSleep)
            for (index, missed) in plan.missed.enumerated() {
                let also = index == plan.missed.count - 1 && plan.run == nil ? plan.missedBeyondList : 0
                let tick = CronTickHandled(job: job.id, scheduledAt: missed, outcome: .missed, alsoMissed: also)
                if try await record(tick) {
                    logger.warning("cron tick missed", metadata: ["job": "\(job.id)", "scheduled_at": "\(missed)"])
                }
            }
            if let due = plan.run { try await start(job, scheduledAt: due, heldElsewhere: claims.held(at: moment)) }
            let handled = [plan.run, plan.missed.last].compactMap { $0 }.max()
            if let handled { state.withLock { $0.lastHandled[job.id] = handled } }
            if let next = plan.wakeAt, next < wake { wake = next }
        }
        return wake
    }

    /// Waits for every run in flight.
    public func waitForRuns() async {
        for task in state.withLock({ Array($0.running.values) }) { await task.value }
    }

    /// Takes over the job's claims that lapsed with their run unfinished, unless this runner is running the
    /// job (a run of its own that outlasts the lease is not run twice here).
    private func takeOver(_ job: ReportJob, _ claims: CronTickClaims, now moment: Timestamp) async throws {
        guard state.withLock({ $0.running[job.id] == nil }) else { return }
        for tick in claims.takeovers(now: moment, lease: job.lease, startingDeadline: job.startingDeadline) {
            if tick.outcome == .run {
                try await start(job, claim: tick)
            } else if try await record(tick) {
                logger.warning(
                    "cron tick claim lapsed past its starting deadline: missed",
                    metadata: ["job": "\(job.id)", "scheduled_at": "\(tick.scheduledAt)"])
            }
        }
    }

    /// The job's ticks within the takeover horizon, with the ends of the runs started for them.
    func recentClaims(_ job: ReportJob, now moment: Timestamp) async throws -> CronTickClaims {
        let horizon = Timestamp(
            milliseconds: moment.milliseconds
                - CronTickClaims.horizon(lease: job.lease, startingDeadline: job.startingDeadline).milliseconds)
        return try await store.withSnapshot { snapshot in
            var claims = CronTickClaims()
            var oldest: UInt64 = 0
            try snapshot.scanInPlace(EventQuery(stream: CronTickHandled.stream(job.id), newestFirst: true)) { view in
                if view.type == CronTickClaimRenewed.storedType {
                    claims.apply(try CronTickClaimRenewed(view))
                    return true
                }
                let tick = try CronTickHandled(view)
                claims.newest = claims.newest ?? tick.scheduledAt
                // A claim renewed since counts however old its tick (a run longer than the horizon).
                guard tick.scheduledAt >= horizon || claims.renewed[tick.idempotencyKey] != nil else { return false }
                claims.apply(tick)
                oldest = view.seq
                return true
            }
            let unfinished = claims.latest.values.contains { $0.outcome == .run && $0.claimedUntil != nil }
            guard unfinished, oldest > 0 else { return claims }
            // Runs start after their claim: the starts since the oldest claim, then each one's end.
            var runs: [(UUID, Timestamp)] = []
            try snapshot.scanInPlace(EventQuery(type: ReportEvent.runStarted, afterSeq: oldest)) { view in
                let started = try ReportRunStarted(view)
                if let scheduled = started.scheduled, scheduled.job == job.id {
                    runs.append((started.runID, scheduled.at))
                }
                return true
            }
            for (runID, scheduledAt) in runs {
                try snapshot.scanInPlace(EventQuery(stream: ReportEvent.runStream(runID), afterSeq: oldest)) { view in
                    guard view.type == ReportEvent.generated || view.type == ReportEvent.runFailed else { return true }
                    claims.ended.insert(scheduledAt)
                    return false
                }
            }
            return claims
        }
    }

    private func start(_ job: ReportJob, scheduledAt: Timestamp, heldElsewhere: Bool) async throws {
        let claim = CronTickHandled(
            job: job.id, scheduledAt: scheduledAt, outcome: .run, claimedUntil: now().adding(job.lease))
        try await start(job, claim: claim, heldElsewhere: heldElsewhere)
    }

    /// Records `claim` and runs the job in a task of its own, unless `take` finds the tick busy or taken.
    private func start(_ job: ReportJob, claim: CronTickHandled, heldElsewhere: Bool = false) async throws {
        guard case .run(let request) = try await take(job, claim: claim, heldElsewhere: heldElsewhere, trigger: .cron)
        else { return }
        // Registered under the lock that the run takes to deregister, so a run that ends at once cannot
        // leave a stale entry behind.
        state.withLock { state in
            state.running[job.id] = Task { [self] in
                do {
                    _ = try await executeHoldingClaim(job, request, claim: claim)
                } catch {
                    logger.error(
                        "job failed",
                        metadata: [
                            "job": "\(job.id)", "scheduled_at": "\(claim.scheduledAt)", "outcome": "failed",
                            "reason": "\(error)",
                        ])
                }
                _ = self.state.withLock { $0.running.removeValue(forKey: job.id) }
            }
        }
    }

    /// What `take` made of a tick.
    enum Taken {
        /// Claimed here: run this request.
        case run(ReportRequest)
        /// A previous run of the job still runs: recorded as skipped.
        case skipped
        /// Another runner (or an earlier process) handled the tick first.
        case handledElsewhere
    }

    /// Records `claim` (a run of the job for its scheduled time) and returns the run's request, unless another
    /// runner recorded it first; when a previous run of the job still runs (here, or under another runner's
    /// claim) the tick is recorded as skipped instead.
    func take(_ job: ReportJob, claim: CronTickHandled, heldElsewhere: Bool, trigger: ReportTrigger)
        async throws -> Taken
    {
        let scheduledAt = claim.scheduledAt
        let metadata: Logger.Metadata = ["job": "\(job.id)", "scheduled_at": "\(scheduledAt)"]
        let busy = heldElsewhere || state.withLock { $0.running[job.id] != nil }
        if busy {
            // Another runner that ran the tick first leaves nothing to record.
            guard try await record(CronTickHandled(job: job.id, scheduledAt: scheduledAt, outcome: .skippedOverlap))
            else {
                logger.info("job skipped: claimed by another instance", metadata: metadata)
                return .handledElsewhere
            }
            logger.warning("job skipped: previous run still running", metadata: metadata)
            return .skipped
        }
        var prepared = try job.request(for: scheduledAt)
        prepared.trigger = trigger
        if let publishing { prepared.publishTo = job.recipients ?? publishing.recipients }
        guard try await record(claim) else {
            logger.info("job skipped: claimed by another instance", metadata: metadata)
            return .handledElsewhere
        }
        if claim.attempt > 1 {
            logger.warning(
                "cron tick taken over: its claim lapsed with the run unfinished",
                metadata: metadata.merging(["attempt": "\(claim.attempt)"]) { $1 })
        }
        return .run(prepared)
    }

    /// Runs the claimed tick's report and publishes it, logging its start and its outcome with the report id.
    /// A run in which no campaign could be fetched is an outcome (failed), not an error.
    func execute(_ job: ReportJob, _ request: ReportRequest, scheduledAt: Timestamp) async throws -> JobRun {
        var metadata: Logger.Metadata = [
            "job": "\(job.id)", "scheduled_at": "\(scheduledAt)", "trigger": "\(request.trigger.rawValue)",
        ]
        logger.info("job started", metadata: metadata)
        var run = JobRun(job: job.id, scheduledAt: scheduledAt, outcome: .failed)
        func ended() {
            metadata["report_id"] = "\(run.reportID ?? "")"
            metadata["outcome"] = "\(run.outcome.rawValue)"
            if let reason = run.reason { metadata["reason"] = "\(reason)" }
        }
        do {
            // Published within the run's span, so the run's effects are in its trace.
            return try await reports.run(request) { outcome in
                run.reportID = outcome.generated.reportID
                run.outcome = outcome.generated.failed.isEmpty ? .succeeded : .partial
                if !outcome.generated.failed.isEmpty {
                    run.reason = "not reported: " + outcome.generated.failed.joined(separator: ",")
                }
                ended()
                logger.info("job \(run.outcome == .succeeded ? "succeeded" : "succeeded in part")", metadata: metadata)
                do {
                    run.unfinished = try await publish(outcome.generated.reportID, job: job.id)
                } catch {
                    run.unfinished = ["\(error)"]
                    logger.error("publication failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                }
                return run
            }
        } catch let failure as ReportRunFailure {
            run.reportID = failure.reportID
            run.reason = "no campaign could be fetched; nothing published: \(failure.reason)"
            ended()
            logger.warning("job failed", metadata: metadata)
            return run
        }
    }

    /// Runs a tick claimed here (`execute`) while renewing its claim, so a run longer than the job's lease is
    /// not taken over by another runner.
    func executeHoldingClaim(_ job: ReportJob, _ request: ReportRequest, claim: CronTickHandled) async throws
        -> JobRun
    {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.renew(claim, lease: job.lease) }
            defer { group.cancelAll() }
            return try await execute(job, request, scheduledAt: claim.scheduledAt)
        }
    }

    /// Renews `claim` every third of `lease` until cancelled (its run ended), each time until a lease from
    /// now; a renewal that cannot be recorded is logged and the next one tries again.
    private func renew(_ claim: CronTickHandled, lease: Duration) async {
        while (try? await sleep(lease / 3)) != nil {
            let renewal = CronTickClaimRenewed(claim, until: now().adding(lease))
            do {
                _ = try await store.append([EventDraft(renewal, stream: CronTickHandled.stream(claim.job))])
            } catch is CancellationError {
                return  // the run ended meanwhile
            } catch {
                logger.warning(
                    "cron tick claim not renewed; the next renewal tries again",
                    metadata: ["job": "\(claim.job)", "error": "\(error)"])
            }
        }
    }

    /// Finishes every unfinished publication; a failure is logged (the next run's publication tries again).
    private func resumePublications() async {
        guard let publishing else { return }
        let publisher = ReportPublisher(store: store, settings: publishing, now: now, logger: logger)
        do {
            for result in try await publisher.reconcile() where result.unfinished.isEmpty {
                logger.notice("finished an earlier publication", metadata: ["report_id": "\(result.reportID)"])
            }
        } catch {
            logger.error("unfinished publications could not be resumed", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes `reportID` (recorded with its run, with the job's recipients) and finishes every other
    /// unfinished publication; what stays unfinished is logged as a warning. Returns what is unfinished of
    /// `reportID`'s publication.
    private func publish(_ reportID: String, job: String) async throws -> [String] {
        guard let publishing else { return [] }
        let publisher = ReportPublisher(store: store, settings: publishing, now: now, logger: logger)
        var results = try await publisher.reconcile()
        if !results.contains(where: { $0.reportID == reportID }) {
            results.append(try await publisher.publish(reportID: reportID))
        }
        for result in results {
            for problem in result.unfinished {
                logger.warning(
                    "publication unfinished",
                    metadata: ["job": "\(job)", "report_id": "\(result.reportID)", "problem": "\(problem)"])
            }
            if result.unfinished.isEmpty {
                logger.notice(
                    "report published",
                    metadata: [
                        "job": "\(job)", "report_id": "\(result.reportID)", "object": "\(result.address)",
                        "emailed": "\(result.emails.filter { $0.result == .accepted }.count)",
                    ])
            }
        }
        return results.first { $0.reportID == reportID }?.unfinished ?? []
    }

    /// Appends a tick; false when it was already in the log (another runner, or before a restart).
    @discardableResult
    private func record(_ tick: CronTickHandled) async throws -> Bool {
        let result = try await store.append([
            EventDraft(tick, stream: CronTickHandled.stream(tick.job), idempotencyKey: tick.idempotencyKey)
        ])
        if case .appended = result[0] { return true }
        return false
    }
}
