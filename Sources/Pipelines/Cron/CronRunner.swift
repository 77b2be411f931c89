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
/// suspend or a clock jump cannot silently drop a tick. With publishing settings, each run's report is
/// published to the job's recipients, after unfinished publications are resumed.
public final class CronRunner: Service, Sendable {
    private let jobs: [ReportJob]
    private let store: any EventStore
    private let reports: ReportRunner
    private let publishing: PublishSettings?
    private let now: @Sendable () -> Timestamp
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

    /// Ticks until cancelled or shut down gracefully, then waits for the runs in flight.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
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
            let last = try await lastHandled(job, default: moment)
            let plan = CronPlan(
                schedule: job.schedule, lastHandled: last, now: moment, deadline: job.startingDeadline,
                maxSleep: maxSleep)
            for (index, missed) in plan.missed.enumerated() {
                let also = index == plan.missed.count - 1 && plan.run == nil ? plan.missedBeyondList : 0
                try await record(CronTickHandled(job: job.id, scheduledAt: missed, outcome: .missed, alsoMissed: also))
                logger.warning("cron tick missed", metadata: ["job": "\(job.id)", "scheduled_at": "\(missed)"])
            }
            if let due = plan.run { try await start(job, scheduledAt: due) }
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

    private func start(_ job: ReportJob, scheduledAt: Timestamp) async throws {
        let busy = state.withLock { $0.running[job.id] != nil }
        if busy {
            try await record(CronTickHandled(job: job.id, scheduledAt: scheduledAt, outcome: .skippedOverlap))
            logger.warning("cron tick skipped: previous run still running", metadata: ["job": "\(job.id)"])
            return
        }
        var prepared = try job.request(for: scheduledAt)
        if let publishing { prepared.publishTo = job.recipients ?? publishing.recipients }
        let request = prepared
        guard try await record(CronTickHandled(job: job.id, scheduledAt: scheduledAt, outcome: .run)) else { return }
        // Registered under the lock that the run takes to deregister, so a run that ends at once cannot
        // leave a stale entry behind.
        state.withLock { state in
            state.running[job.id] = Task { [self] in
                do {
                    let outcome = try await reports.run(request)
                    logger.info(
                        "cron run done", metadata: ["job": "\(job.id)", "report_id": "\(outcome.generated.reportID)"])
                    try await publish(outcome.generated.reportID, job: job.id)
                } catch let failure as ReportRunFailure {
                    logger.warning(
                        "cron run failed: no campaign could be fetched; nothing published",
                        metadata: [
                            "job": "\(job.id)", "report_id": "\(failure.reportID)", "reason": "\(failure.reason)",
                        ])
                } catch {
                    logger.error("cron run failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
                }
                _ = self.state.withLock { $0.running.removeValue(forKey: job.id) }
            }
        }
    }

    /// Publishes `reportID` (recorded with its run, with the job's recipients) and finishes every other
    /// unfinished publication; what stays unfinished is logged as a warning.
    private func publish(_ reportID: String, job: String) async throws {
        guard let publishing else { return }
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

    /// The job's latest handled tick: from memory, else from the log, else `fallback` (a new job does not
    /// catch up on times before it was first run).
    private func lastHandled(_ job: ReportJob, default fallback: Timestamp) async throws -> Timestamp {
        if let known = state.withLock({ $0.lastHandled[job.id] }) { return known }
        let recorded = try await store.withSnapshot { snapshot -> Timestamp? in
            var latest: Timestamp?
            let query = EventQuery(stream: CronTickHandled.stream(job.id), newestFirst: true, limit: 1)
            try snapshot.scanInPlace(query) { view in
                latest = try CronTickHandled(view).scheduledAt
                return false
            }
            return latest
        }
        let last = recorded ?? fallback
        state.withLock { $0.lastHandled[job.id] = last }
        return last
    }
}
