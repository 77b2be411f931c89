import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger report list`: recent report runs and where each publication stands.
struct ReportListCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Recent reports, newest first, with their publication state.",
        discussion: """
            A run in which no campaign could be fetched is listed as failed (nothing was published). The \
            publication state is not_requested, pending, upload_failed, emailing, published or \
            published_with_problems; `report publish` finishes the unfinished ones.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "How many runs to show.") var limit = 20
    @Option(help: "table, or json (one object a line).") var format: Format = .table

    func run() async throws {
        try await reportingErrors {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit: must be 1 to 10000") }
            let entries = try await data.withLog { log in
                try await log.withSnapshot { snapshot in
                    try ReportListing.recent(
                        snapshot: snapshot, limit: limit, maxEmailAttempts: PublishSettings.defaultMaxEmailAttempts)
                }
            }
            print(Self.render(entries, format), terminator: "")
        }
    }

    static func render(_ entries: [ReportListing.Entry], _ format: Format) -> String {
        switch format {
        case .json:
            return entries.map { String(decoding: (try? CanonicalJSON($0.json).bytes) ?? [], as: UTF8.self) + "\n" }
                .joined()
        case .table:
            guard !entries.isEmpty else { return "no reports recorded\n" }
            let header = ["REPORT", "RECORDED", "CAMPAIGNS", "WINDOW", "PUBLICATION", "DETAIL"]
            let rows = entries.map { entry in
                let total = entry.started.campaigns.count
                let zone = TimeZone(identifier: entry.started.timeZone) ?? .gmt
                let window = entry.started.window
                return [
                    entry.reportID, String(entry.recordedAt.rfc3339Seconds.prefix(19)),
                    "\(total - entry.failed.count) of \(total)",
                    "\(window.start.rfc3339(in: zone).prefix(16)) → \(window.end.rfc3339(in: zone).prefix(16))",
                    entry.runFailure == nil ? entry.publication.state.rawValue : "run failed",
                    entry.runFailure ?? entry.publication.detail,
                ]
            }
            return textTable([header] + rows, maxWidth: 90)
        }
    }
}
