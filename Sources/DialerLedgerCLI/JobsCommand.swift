import ArgumentParser
import DialerCore
import EventLog
import Foundation
import Pipelines

/// `dialer-ledger jobs`: the configured report jobs.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "See the configured report jobs and run one now.",
        subcommands: [JobsListCommand.self, JobsRunCommand.self])
}

/// `dialer-ledger jobs list`: each configured job with its last run from the log and its next run.
struct JobsListCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each configured job: schedule, last run and its outcome, next run.",
        discussion: """
            Jobs come from the settings file's "jobs". The last run is read from the log by key (the job's \
            ticks, then its run): its scheduled time, trigger (cron, or manual for `jobs run`), report and \
            outcome (running, succeeded, partial, failed, lapsed, not_started). The next run is shown in the \
            job's zone and in UTC. JSON: one array of objects with the fields id, cron, time_zone, campaigns, \
            last_tick {scheduled_at, outcome, recorded_at}, last_run {scheduled_at, trigger, report_id, \
            outcome, reason, started_at, ended_at}, next_run, next_run_utc (null where there is none).
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var settings: ConfigOptions
    @Option(help: TabularFormat.help) var format: TabularFormat = .table

    func run() async throws {
        try await reportingErrors {
            let jobs = try settings.load(dataFolder: data.folder).jobs
            let now = Timestamp.systemNow()
            let statuses = try await data.application(missingLogIsEmpty: true).run { app in
                try await app.store.withSnapshot { snapshot in
                    try jobs.map { try JobStatus.read(job: $0.id, snapshot: snapshot, now: now) }
                }
            }
            let listed = zip(jobs, statuses).map { Listed(job: $0, status: $1, next: $0.schedule.next(after: now)) }
            var table = TabularRows(
                columns: [
                    "job", "cron", "zone", "campaigns", "last_run", "outcome", "report", "next_run", "next_utc",
                ], none: "no jobs configured (add them under \"jobs\" in the settings file)")
            for entry in listed { table.append(entry.row, entry.json) }
            print(try table.rendered(format, maxWidth: 60), terminator: "")
        }
    }

    /// One job as listed.
    struct Listed {
        var job: ReportJob
        var status: JobStatus
        var next: Timestamp?

        private var zone: TimeZone { job.schedule.timeZone }

        var row: [String] {
            let run = status.lastRun
            var outcome = run.map { "\($0.outcome.rawValue) (\($0.trigger?.rawValue ?? "cron"))" } ?? "never ran"
            if let tick = status.lastTick?.tick, tick.outcome != .run {
                outcome += "; last tick \(tick.scheduledAt.rfc3339(in: zone)) \(tick.outcome.rawValue)"
            }
            return [
                job.id, job.schedule.expression, zone.identifier, job.campaigns.joined(separator: ","),
                run.map { $0.scheduledAt.rfc3339(in: zone) } ?? "-", outcome, run?.reportID ?? "-",
                next.map { $0.rfc3339(in: zone) } ?? "-", next.map(\.rfc3339Seconds) ?? "-",
            ]
        }

        var json: JSONValue {
            func instant(_ value: Timestamp?) -> JSONValue {
                value.map { JSONValue.string($0.rfc3339(in: zone)) } ?? .null
            }
            let tick: JSONValue =
                status.lastTick.map { last -> JSONValue in
                    [
                        "scheduled_at": .string(last.tick.scheduledAt.rfc3339(in: zone)),
                        "outcome": .string(last.tick.outcome.rawValue), "recorded_at": .string(last.recordedAt.rfc3339),
                    ]
                } ?? .null
            let run: JSONValue =
                status.lastRun.map { run -> JSONValue in
                    [
                        "scheduled_at": .string(run.scheduledAt.rfc3339(in: zone)),
                        "trigger": run.trigger.map { JSONValue.string($0.rawValue) } ?? .null,
                        "report_id": run.reportID.map(JSONValue.string) ?? .null,
                        "outcome": .string(run.outcome.rawValue), "reason": run.reason.map(JSONValue.string) ?? .null,
                        "started_at": run.startedAt.map { JSONValue.string($0.rfc3339) } ?? .null,
                        "ended_at": run.endedAt.map { JSONValue.string($0.rfc3339) } ?? .null,
                    ]
                } ?? .null
            return [
                "id": .string(job.id), "cron": .string(job.schedule.expression), "time_zone": .string(zone.identifier),
                "campaigns": .array(job.campaigns.map(JSONValue.string)), "last_tick": tick, "last_run": run,
                "next_run": instant(next), "next_run_utc": next.map { JSONValue.string($0.rfc3339Seconds) } ?? .null,
            ]
        }
    }
}

/// `dialer-ledger jobs run`: one tick of a job now, on the cron path.
struct JobsRunCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one tick of a configured job now, as the cron runner would.",
        discussion: """
            The tick for --at (default: now) is claimed as the cron runner claims it (one idempotency key per \
            job and scheduled time), run with trigger manual, and published to the job's recipients, each \
            effect recorded. A tick already handled (by `serve` or an earlier `jobs run`) is not run again: \
            the command says so and exits 0. A tick while a run of the job is in flight is recorded as skipped. \
            Exit 0 when the run succeeded (or nothing was to be done), 3 when its publication is unfinished, \
            4 when no campaign could be fetched (the run is recorded as failed), 2 for an unknown job (the \
            known ones are listed) or another error.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var settings: ConfigOptions
    @Argument(help: "The job's id (as `jobs list` shows it).") var id: String
    @Option(help: ArgumentHelp("The scheduled time to run for (default: now).", valueName: "INSTANT|DATE"))
    var at: String?
    @Flag(help: "Log the run's progress to standard error.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let configuration = try settings.load(dataFolder: data.folder)
            let scheduledAt =
                try at.map { try Timestamp(parsing: $0, in: .gmt, field: "--at") } ?? Timestamp.systemNow()
            let app = try await data.application(
                configuration, needs: [.writing, .cxone, .publishing],
                logger: logging.logger(unset: verbose ? .info : .error))
            let tick = try await app.run { app in
                try await app.cronRunner!.runNow(job: id, scheduledAt: scheduledAt)
            }
            let name = "job \(id) at \(scheduledAt.rfc3339Seconds)"
            switch tick {
            case .alreadyHandled(let recorded):
                print("\(name): already handled (\(recorded.outcome.rawValue)); nothing run")
            case .skippedOverlap:
                print("\(name): skipped: a run of the job is in flight (recorded as skipped_overlap)")
            case .ran(let run):
                print(
                    "\(name): \(run.outcome.rawValue), report \(run.reportID ?? "-") (trigger manual)"
                        + (run.reason.map { ": \($0)" } ?? ""))
                for problem in run.unfinished { print("  unfinished: \(problem)") }
                if run.outcome == .failed { throw ExitCode(4) }
                if !run.unfinished.isEmpty { throw ExitCode(3) }
            }
        }
    }
}
