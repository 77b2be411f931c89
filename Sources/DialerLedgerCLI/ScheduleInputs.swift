import ArgumentParser
import Delivery
import DialerCore
import Foundation
import Pipelines

/// What a scheduling job is asked for, as `schedule run` and `schedule plan` read it: the campaign, the cron
/// expression, the contacts, the planning and monitoring options, the webhook; the seed's variables as
/// defaults.
struct ScheduleInputs: ParsableArguments {
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

    /// The request the options describe, checked before anything is planned or sent.
    func request() throws -> ScheduleRequest {
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
        return request
    }

    /// `HH:MM-HH:MM` as calling hours; errors name `option`.
    static func hours(_ text: String, option: String) throws -> CallingHours {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2 else { throw ValidationError("\(option): \"\(text)\" is not HH:MM-HH:MM") }
        return try CallingHours(start: parts[0], end: parts[1], field: option)
    }
}
