import ArgumentParser
import Delivery
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger schedule`: campaign scheduling.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Schedule outbound campaigns by the contacts' own time zones.",
        subcommands: [ScheduleRunCommand.self, ScheduleStatusCommand.self])
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
    @Option(help: "The campaign (default $CXONE_CAMPAIGN_ID).") var campaign: String?
    @Option(help: "Cron expression, read in each contact's zone (default $SCHEDULE_CRON).") var cron: String?
    @Option(help: ArgumentHelp("Contacts: CSV (id,timezone,…) or a JSON array.", valueName: "FILE")) var contacts:
        String
    @Option(help: "callsCompleted that means done (default $EXPECTED_COMPLETED, else 50).") var expected: Int?
    @Option(help: "Completion webhook URL (default $WEBHOOK_URL).") var webhook: String?
    @Option(help: "Its Standard Webhooks secret, whsec_… (default $WEBHOOK_SECRET).") var webhookSecret: String?
    @Option(help: ArgumentHelp("Between analytics polls.", valueName: "DURATION")) var pollInterval = "30s"
    @Option(help: ArgumentHelp("How long to watch before giving up.", valueName: "DURATION")) var timeout = "1h"
    @Option(help: ArgumentHelp("Length of each calling window.", valueName: "DURATION")) var window = "4h"
    @Option(help: ArgumentHelp("Legal calling hours, local.", valueName: "HH:MM-HH:MM")) var callingHours =
        "08:00-21:00"
    @Option(
        name: .customLong("zone-calling-hours"),
        help: ArgumentHelp("Calling hours of one zone (repeatable).", valueName: "ZONE=HH:MM-HH:MM"))
    var zoneCallingHours: [String] = []
    @Option(help: ArgumentHelp("Carry on this job (as `schedule status` names it).", valueName: "ID")) var job: String?
    @Flag(help: "Log retries to standard error.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            func setting(_ value: String?, _ name: String) -> String? {
                value ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let campaign = setting(campaign, "CXONE_CAMPAIGN_ID") else {
                throw ValidationError("--campaign: name the campaign (or set CXONE_CAMPAIGN_ID)")
            }
            guard !campaign.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--campaign: must not be empty")
            }
            guard let cron = setting(cron, "SCHEDULE_CRON") else {
                throw ValidationError("--cron: give a cron expression (or set SCHEDULE_CRON)")
            }
            var planner = try SchedulePlanner(expression: cron)
            planner.windowLength = try Duration(parsing: window, field: "--window")
            planner.callingHours = try Self.hours(callingHours, option: "--calling-hours")
            for entry in zoneCallingHours {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, TimeZone(identifier: parts[0]) != nil else {
                    throw ValidationError(
                        "--zone-calling-hours: \"\(entry)\" is not ZONE=HH:MM-HH:MM with an IANA zone")
                }
                planner.callingHoursByZone[parts[0]] = try Self.hours(parts[1], option: "--zone-calling-hours")
            }
            guard let bytes = FileManager.default.contents(atPath: contacts) else {
                throw ValidationError("--contacts: cannot read \(contacts)")
            }
            let list = try ContactList(bytes: Array(bytes), file: contacts)
            var request = ScheduleRequest(
                campaignID: campaign, planner: planner, contacts: list, contactsSHA256: SHA256Digest.of(Array(bytes)))
            if let text = setting(expected.map(String.init), "EXPECTED_COMPLETED") {
                guard let number = Int(text), number >= 1 else {
                    throw ValidationError("--expected: \"\(text)\" is not a whole number of 1 or more")
                }
                request.expected = number
            }
            request.pollInterval = try Duration(parsing: pollInterval, field: "--poll-interval")
            request.timeout = try Duration(parsing: timeout, field: "--timeout")
            if let url = setting(webhook, "WEBHOOK_URL") {
                try WebhookSender.checkURL(url, field: "--webhook")
                guard let secret = setting(webhookSecret, "WEBHOOK_SECRET") else {
                    throw ValidationError(
                        "--webhook-secret: the webhook is signed; give whsec_… (or set WEBHOOK_SECRET)")
                }
                request.webhook = (url, try WebhookSecret(secret))
            }
            try request.validate()
            let app = try await data.application(
                needs: [.writing, .cxone], logger: logging.logger(unset: verbose ? .info : .error))
            printError(app.tenant!.description)
            let outcome = try await app.run { app in
                try await app.scheduleWorker(progress: { print($0) }).run(request, job: job)
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

extension ScheduleRunCommand {
    /// `HH:MM-HH:MM` as calling hours; errors name `option`.
    static func hours(_ text: String, option: String) throws -> CallingHours {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2 else { throw ValidationError("\(option): \"\(text)\" is not HH:MM-HH:MM") }
        return try CallingHours(start: parts[0], end: parts[1], field: option)
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
            guard !rows.isEmpty else {
                print(campaign.map { "no scheduling job for \($0) in the log" } ?? "no scheduling jobs in the log")
                return
            }
            let table =
                [
                    [
                        "campaign", "state", "planned", "submitted", "failed", "completed", "expected", "polls",
                        "webhook", "job",
                    ]
                ]
                + rows.map { row in
                    [
                        row.campaignID, row.state.rawValue, "\(row.planned)", "\(row.submitted)", "\(row.failed)",
                        "\(Int(row.completed))", "\(row.expected)", "\(row.polls)", row.webhook ?? "-", row.job,
                    ]
                }
            print(textTable(table), terminator: "")
        }
    }
}
