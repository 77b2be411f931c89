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

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Only effects for this campaign.") var campaign: String?
    @Option(help: "Only this event type (such as ReportEmailed).") var type: String?
    @Option(help: ArgumentHelp("Recorded at or after (a date: midnight UTC).", valueName: "INSTANT|DATE")) var from:
        String?
    @Option(help: ArgumentHelp("Recorded before (a date: midnight UTC).", valueName: "INSTANT|DATE")) var to: String?
    @Option(help: "table, json (one object a line) or csv.") var format: Format = .table

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
            print(Self.render(rows, format), terminator: "")
        }
    }

    static func render(_ rows: [AuditTrail.Row], _ format: Format) -> String {
        let cells = rows.map(\.cells)
        switch format {
        case .json:
            return rows.map { String(decoding: (try? CanonicalJSON($0.json).bytes) ?? [], as: UTF8.self) + "\n" }
                .joined()
        case .csv:
            return AuditTrail.csv(rows)
        case .table:
            guard !rows.isEmpty else { return "no effects match\n" }
            let shown = cells.map { line in
                line.enumerated().map { $0.offset == 1 ? String($0.element.prefix(19)) : $0.element }
            }
            return textTable([AuditTrail.columns] + shown, maxWidth: 60)
        }
    }
}
