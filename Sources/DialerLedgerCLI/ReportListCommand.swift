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

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "How many runs to show.") var limit = 20
    @Option(help: TabularFormat.help) var format: TabularFormat = .table

    func run() async throws {
        try await reportingErrors {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit: must be 1 to 10000") }
            let entries = try await data.withLog { log in
                try await log.withSnapshot { snapshot in
                    try ReportListing.recent(
                        snapshot: snapshot, limit: limit, maxEmailAttempts: PublishSettings.defaultMaxEmailAttempts)
                }
            }
            print(try Self.rows(entries).rendered(format, maxWidth: 90), terminator: "")
        }
    }

    /// The runs as the command prints them.
    static func rows(_ entries: [ReportListing.Entry]) -> TabularRows {
        var table = TabularRows(
            columns: ["report", "recorded", "campaigns", "window", "publication", "detail"], none: "no reports recorded"
        )
        for entry in entries {
            let total = entry.started.campaigns.count
            let zone = TimeZone(identifier: entry.started.timeZone) ?? .gmt
            let window = entry.started.window
            table.append(
                [
                    entry.reportID, String(entry.recordedAt.rfc3339Seconds.prefix(19)),
                    "\(total - entry.failed.count) of \(total)",
                    "\(window.start.rfc3339(in: zone).prefix(16)) → \(window.end.rfc3339(in: zone).prefix(16))",
                    entry.runFailure == nil ? entry.publication.state.rawValue : "run failed",
                    entry.runFailure ?? entry.publication.detail,
                ], entry.json)
        }
        return table
    }
}
