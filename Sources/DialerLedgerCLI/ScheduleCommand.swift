import ArgumentParser
import Delivery
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger schedule`: campaign scheduling.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Schedule outbound campaigns by the contacts' own time zones.",
        subcommands: [ScheduleRunCommand.self, SchedulePlanCommand.self, ScheduleStatusCommand.self])
}

/// `dialer-ledger schedule run`: plan, submit, monitor, notify.
struct ScheduleRunCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan calling windows, submit them to CXone, watch the campaign complete, send the webhook.",
        discussion: """
            The cron expression is read in each contact's own time zone; contacts are grouped by zone, and each \
            zone gets one window per fire time, clipped to calling hours. Each submission is recorded before and \
            after, with an Idempotency-Key. A job is its request (campaign, cron, contacts, planning options), \
            not its time: running the same request again carries on its newest unfinished job from the log \
            (windows without a schedule, monitoring, the webhook's delivery) whatever the time, and plans a new \
            job only once that one has finished (completed with its webhook delivered, timed out, or every \
            window over); --job names a job to carry on. Every option is checked before anything is planned or \
            sent, and a plan with no window (a cron expression that does not fire, every fire time outside \
            calling hours) is an error. Defaults come from the seed's variables CXONE_CAMPAIGN_ID, SCHEDULE_CRON, \
            WEBHOOK_URL, EXPECTED_COMPLETED and WEBHOOK_SECRET. Exit 0 when the campaign completed (and the webhook \
            was delivered, when there is one), 2 for bad input or a plan with no window, 3 when something is \
            unfinished (a rerun carries it on).
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var inputs: ScheduleInputs
    @Option(help: ArgumentHelp("Carry on this job (as `schedule status` names it).", valueName: "ID")) var job: String?
    @Flag(help: "Log retries to standard error.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let request = try inputs.request()
            let campaign = request.campaignID
            let app = try await data.application(
                needs: [.writing, .cxone], logger: logging.logger(unset: verbose ? .info : .error))
            printError(app.tenant!.description)
            let outcome = try await app.run { app in
                try SchedulingRefusal.check(app.tenant!.configuration)
                return try await app.scheduleWorker(progress: { print($0) }).run(request, job: job)
            }
            let webhookLine = outcome.webhook.map { $0.delivered ? "webhook delivered; " : "webhook not delivered; " }
            print(
                "job \(outcome.job): \(outcome.submitted.count) of \(outcome.plan.windows.count) schedules submitted, "
                    + "\(Int(outcome.completed)) of \(outcome.plan.expected) calls completed; \(webhookLine ?? "")"
                    + "status: dialer-ledger schedule status --campaign \(campaign)")
            let webhookUnfinished = outcome.webhook?.delivered == false
            if !outcome.failed.isEmpty || !outcome.reachedExpected || webhookUnfinished { throw ExitCode(3) }
        }
    }
}

/// `dialer-ledger schedule status`: the completion projection, as of any point.
struct ScheduleStatusCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per campaign: windows planned, schedules submitted, calls completed, state.")

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Only this campaign.") var campaign: String?
    @Option(help: ArgumentHelp("Read the log as it was then.", valueName: "seq:N|INSTANT|DATE")) var asOf: String?
    @Option(help: TabularFormat.help) var format: TabularFormat = .table

    func run() async throws {
        try await reportingErrors {
            let projection = try await data.withLog { log in
                try await log.withSnapshot { snapshot in
                    let through =
                        try asOf.map { try AsOf(parsing: $0, field: "--as-of").resolve(in: snapshot) }
                        ?? snapshot.lastSequence()
                    return try CompletionProjection.read(snapshot, throughSeq: through)
                }
            }
            let rows = projection.campaigns.values.filter { campaign == nil || $0.campaignID == campaign }
                .sorted { $0.campaignID < $1.campaignID }
            var table = TabularRows(
                columns: [
                    "campaign", "state", "planned", "submitted", "failed", "completed", "expected", "polls", "webhook",
                    "job",
                ], none: campaign.map { "no scheduling job for \($0) in the log" } ?? "no scheduling jobs in the log")
            for row in rows {
                table.append(
                    [
                        row.campaignID, row.state.rawValue, "\(row.planned)", "\(row.submitted)", "\(row.failed)",
                        "\(Int(row.completed))", "\(row.expected)", "\(row.polls)", row.webhook ?? "-", row.job,
                    ],
                    [
                        "campaign": .string(row.campaignID), "state": .string(row.state.rawValue),
                        "planned": .int(Int64(row.planned)), "submitted": .int(Int64(row.submitted)),
                        "failed": .int(Int64(row.failed)), "completed": .double(row.completed),
                        "expected": .int(Int64(row.expected)), "polls": .int(Int64(row.polls)),
                        "webhook": row.webhook.map(JSONValue.string) ?? .null, "job": .string(row.job),
                    ])
            }
            print(try table.rendered(format), terminator: "")
        }
    }
}
