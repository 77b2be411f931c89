import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger schedule plan`: the windows a `schedule run` with the same inputs would submit now.
struct SchedulePlanCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the windows a `schedule run` with the same options would submit; send and record nothing.",
        discussion: """
            Takes the options of `schedule run` and decides as it would: the windows of the request's unfinished \
            job that have no schedule yet, or the plan of the new job it would start (planned from now). One row \
            per contact: campaign, zone, and the window's start and end in the contact's zone and in UTC. \
            Fire times outside calling hours are listed on standard error. JSON: one object {job, new_job, \
            contacts: [{contact_id, campaign_id, time_zone, start, end, start_utc, end_utc, clipped}], \
            outside: [{time_zone, fire_time, calling_hours, contact_ids}]}. Exit 2 for bad input or a plan with \
            no window, as `schedule run`.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var inputs: ScheduleInputs
    @Option(help: ArgumentHelp("The job to carry on (as `schedule status` names it).", valueName: "ID")) var job:
        String?
    @Option(help: "table, or json (one object).") var format: OutputFormat = .table

    func run() async throws {
        try await reportingErrors {
            let request = try inputs.request()
            let app = try await data.application(needs: [.cxone], missingLogIsEmpty: true)
            let preview = try await app.run { app in try await app.scheduleWorker().preview(request, job: job) }
            let rows = preview.windows.flatMap { window in window.contactIDs.map { (contact: $0, window: window) } }
            switch format {
            case .json:
                print(
                    try OutputFormat.line([
                        "job": .string(preview.job), "new_job": .bool(preview.isNew),
                        "contacts": .array(rows.map { Self.json(contact: $0.contact, $0.window) }),
                        "outside": .array(preview.outside.map(\.json)),
                    ]))
            case .table:
                print("job \(preview.job) (\(preview.isNew ? "new" : "carried on")): \(preview.windows.count) windows")
                let header = ["CONTACT", "CAMPAIGN", "ZONE", "START", "END", "START (UTC)", "END (UTC)"]
                let lines = rows.map { row in
                    let (contact, window) = row
                    let zone = TimeZone(identifier: window.timeZone) ?? .gmt
                    return [
                        contact, window.campaignID, window.timeZone, window.start.rfc3339(in: zone),
                        window.end.rfc3339(in: zone), window.start.rfc3339Seconds, window.end.rfc3339Seconds,
                    ]
                }
                print(textTable([header] + lines), terminator: "")
            }
            for skipped in preview.outside {
                printError(
                    "outside calling hours (\(skipped.callingHours)): \(skipped.timeZone) at "
                        + "\(skipped.fireTime.rfc3339Seconds), not submitted")
            }
        }
    }

    /// One contact's window as `--format json` shows it.
    static func json(contact: String, _ window: ScheduleWindow) -> JSONValue {
        let zone = TimeZone(identifier: window.timeZone) ?? .gmt
        return [
            "contact_id": .string(contact), "campaign_id": .string(window.campaignID),
            "time_zone": .string(window.timeZone), "start": .string(window.start.rfc3339(in: zone)),
            "end": .string(window.end.rfc3339(in: zone)), "start_utc": .string(window.start.rfc3339Seconds),
            "end_utc": .string(window.end.rfc3339Seconds), "clipped": .bool(window.clipped),
        ]
    }
}
