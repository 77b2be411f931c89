import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger audit`: what was sent, to whom, when, and what came of it.
struct AuditCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Every external effect: when, what, for which campaign, to whom, outcome.",
        discussion: """
            Uploads, links, e-mails, schedule submissions and webhook attempts, intents and outcomes both (an \
            intent without its outcome is an effect cut short). Times are when the event was recorded (UTC).
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Only effects for this campaign.") var campaign: String?
    @Option(help: "Only this event type (such as ReportEmailed).") var type: String?
    @Option(help: ArgumentHelp("Recorded at or after (a date: midnight UTC).", valueName: "INSTANT|DATE")) var from:
        String?
    @Option(help: ArgumentHelp("Recorded before (a date: midnight UTC).", valueName: "INSTANT|DATE")) var to: String?
    @Option(help: TabularFormat.help) var format: TabularFormat = .table

    func run() async throws {
        try await reportingErrors {
            if let type, !AuditTrail.types.contains(type) {
                throw ValidationError(
                    "--type: \(type) is not an effect type (\(AuditTrail.types.joined(separator: ", ")))")
            }
            var filter = AuditTrail.Filter()
            filter.campaign = campaign
            filter.type = type
            filter.from = try from.map { try Timestamp(parsing: $0, in: .gmt, field: "--from") }
            filter.to = try to.map { try Timestamp(parsing: $0, in: .gmt, field: "--to") }
            let rows = try await data.withLog { log in
                try await log.withSnapshot { [filter] snapshot in
                    try AuditTrail.read(snapshot, filter: filter)
                }
            }
            print(try Self.rows(rows).rendered(format, maxWidth: 60), terminator: "")
        }
    }

    /// The audit rows as the command prints them.
    static func rows(_ rows: [AuditTrail.Row]) -> TabularRows {
        var table = TabularRows(columns: AuditTrail.columns, none: "no effects match")
        for row in rows { table.append(row.cells, row.json) }
        return table
    }
}
