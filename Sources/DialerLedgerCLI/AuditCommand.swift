import ArgumentParser
import DialerCore
import Foundation

/// `dialer-ledger audit`: what was sent, to whom, when, and what came of it.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Every external effect: when, what, for which campaign, to whom, outcome.",
        discussion: """
            Uploads, links, e-mails, schedule submissions and webhook attempts, intents and outcomes both (an \
            intent without its outcome is an effect cut short). Times are when the event was recorded (UTC).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var data: DataOptions
    @Option(help: "Only effects for this campaign.") var campaign: String?
    @Option(help: "Only this event type (such as ReportEmailed).") var type: String?
    @Option(help: ArgumentHelp("Recorded at or after.", valueName: "INSTANT")) var from: String?
    @Option(help: ArgumentHelp("Recorded before.", valueName: "INSTANT")) var to: String?
    @Option(help: "table, json (one object a line) or csv.") var format: Format = .table

    func run() throws {
        try reportingErrors {
            if let type, !AuditTrail.types.contains(type) {
                throw ValidationError(
                    "--type: \(type) is not an effect type (\(AuditTrail.types.joined(separator: ", ")))")
            }
            let start = try from.map { try Timestamp(rfc3339: $0, field: "--from") }
            let end = try to.map { try Timestamp(rfc3339: $0, field: "--to") }
            let wanted = Set(AuditTrail.types + [ReportEvent.runStarted, ScheduleEvent.jobStarted])
            var trail = AuditTrail()
            try data.openLog(.readOnly).withSnapshot { snapshot in
                try snapshot.scanInPlace(EventQuery()) { view in
                    if wanted.contains(view.type) {
                        try trail.apply(
                            seq: view.seq, at: view.recordedAt, type: view.type, stream: view.stream,
                            payload: try JSONParser.parse(Array(view.payloadBytes)))
                    }
                    return true
                }
            }
            let rows = trail.rows.filter { row in
                (campaign.map { row.campaigns.contains($0) } ?? true) && (type.map { row.type == $0 } ?? true)
                    && (start.map { row.at >= $0 } ?? true) && (end.map { row.at < $0 } ?? true)
            }
            print(Self.render(rows, format), terminator: "")
        }
    }

    static func render(_ rows: [AuditTrail.Row], _ format: Format) -> String {
        let header = ["seq", "recorded_at", "type", "campaigns", "subject", "target", "what", "outcome"]
        let cells = rows.map { row in
            [
                "\(row.seq)", row.at.rfc3339, row.type, row.campaigns.joined(separator: " "), row.subject, row.target,
                row.what, row.outcome,
            ]
        }
        switch format {
        case .json:
            return cells.map { line in
                let object = JSONValue.object(
                    Dictionary(uniqueKeysWithValues: zip(header, line).map { ($0, JSONValue.string($1)) }))
                return String(decoding: (try? CanonicalJSON(object).bytes) ?? [], as: UTF8.self) + "\n"
            }.joined()
        case .csv:
            func quoted(_ cell: String) -> String {
                cell.contains(where: { ",\"\n\r".contains($0) })
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }
            return ([header] + cells).map { $0.map(quoted).joined(separator: ",") + "\r\n" }.joined()
        case .table:
            guard !rows.isEmpty else { return "no effects match\n" }
            let shown = cells.map { line in
                line.enumerated().map { $0.offset == 1 ? String($0.element.prefix(19)) : $0.element }
            }
            let table = [header] + shown
            let widths = header.indices.map { column in min(60, table.map { $0[column].count }.max() ?? 0) }
            return table.map { line in
                zip(line, widths).map { cell, width in
                    (cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell)
                        .padding(toLength: width, withPad: " ", startingAt: 0)
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }.joined()
        }
    }
}
