import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger report show`: a recorded report as its chart JSON, its page or its CSV.
struct ReportShowCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Write a recorded report as its chart JSON, an HTML page or CSV.",
        discussion: """
            The report is rebuilt from the log as recorded and must reproduce the SHA-256 its \
            ReportGenerated event holds (exit 1 if not). The page (one HTML file: inline style and SVG \
            charts, no script, nothing fetched) and the CSV (RFC 4180, one row per campaign-hour, then the \
            ALL rows) are rendered from the same hours; the same log gives the same bytes in any zone or \
            locale.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Argument(help: ArgumentHelp("The report (see `report list`).", valueName: "ID")) var id: String
    @Option(help: "json (the chart, as recorded), html (the page) or csv.") var format: ReportFormat = .json
    @Option(help: ArgumentHelp("Where to write it; - for standard output.", valueName: "FILE|-")) var out = "-"

    func run() async throws {
        try await reportingErrors {
            let lookup = try await data.withLog { log in
                try await log.withSnapshot { snapshot in
                    try ReportReplay.replay(id, asOf: nil, rules: nil, snapshot: snapshot)
                }
            }
            guard case .replayed(let replay) = lookup else {
                throw ValidationError("ID: no report \"\(id)\" in the log; `dialer-ledger report list` shows them")
            }
            guard replay.matchesRecording else {
                printError(
                    "dialer-ledger: report \(id) rebuilt from the log does not match its recorded SHA-256 "
                        + "\(replay.generated.sha256.hex); nothing written")
                throw ExitCode(1)
            }
            let bytes = try replay.document(format, diff: false)
            try write(bytes, to: out)
            if out != "-" {
                print(
                    "written: \(out) (\(format.rawValue), \(bytes.count) bytes, sha256 \(SHA256Digest.of(bytes).hex))")
            }
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
