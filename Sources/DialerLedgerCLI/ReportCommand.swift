import ArgumentParser
import CXone
import DialerCore
import Foundation
import Logging
import Pipelines

/// `dialer-ledger report`: dialer reports.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Dialer reports from CXone's hourly campaign metrics.",
        subcommands: [
            ReportRunCommand.self, ReportPublishCommand.self, ReportListCommand.self, ReportShowCommand.self,
        ])
}

/// `dialer-ledger report run`: one report run, recorded in the log, its chart JSON written to a file.
struct ReportRunCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fetch, derive and record a report; write its chart JSON.",
        discussion: """
            Talks to the CXone tenant the CXONE_* variables describe, or, with CXONE_BASE_URL unset, to \
            an embedded simulator (campaigns CAMPAIGN_001…CAMPAIGN_010). A campaign that fails is named in \
            the report and does not stop the others. Dates (YYYY-MM-DD) are midnight in --tz.
            With --publish the report is uploaded (S3 when S3_BUCKET or the config file's storage.s3 is set, \
            else the local object store in the data folder), its link is issued and e-mailed (SMTP when \
            configured, else .eml files in DATA/mail), each effect recorded before and after; exit 3 when \
            part of that is unfinished (the next publish or run finishes it).
            Exit 4 when no campaign could be fetched: the run is recorded as failed (ReportRunFailed), no \
            report is written, published or e-mailed, and one line names the cause.
            With --format json the summary is one object (on standard error when the chart goes to standard \
            output): report_id, outcome, written, size, sha256, generated_seq, campaigns, failed, hours, and \
            publications when publishing; a failed run gives report_id, outcome "failed" and reason.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var publishing: PublishOptions
    @Option(help: "Campaign ids, comma-separated.") var campaigns: String
    @Option(help: ArgumentHelp("Start of the window (default: 24 hours before --to).", valueName: "INSTANT|DATE"))
    var from: String?
    @Option(help: ArgumentHelp("End of the window, exclusive (default: this hour's start).", valueName: "INSTANT|DATE"))
    var to: String?
    @Option(help: "IANA time zone the chart's hours are labelled in.") var tz = "UTC"
    @Option(help: ArgumentHelp("Rule set: a built-in name (seed, zero-fill) or a JSON file.", valueName: "NAME|FILE"))
    var rules = "seed"
    @Option(
        help: ArgumentHelp(
            "Where to write the chart JSON (default DATA/reports/ID.json; - for stdout).", valueName: "FILE"))
    var out: String?
    @Flag(help: "Upload the report, issue its link and e-mail it.") var publish = false
    @Flag(help: "Log retries and progress to standard error.") var verbose = false
    @Option(help: "table (summary lines) or json (one object).") var format: OutputFormat = .table

    func run() async throws {
        try await reportingErrors {
            guard let zone = TimeZone(identifier: tz) else {
                throw ValidationError("--tz: \"\(tz)\" is not an IANA time zone")
            }
            let end = try to.map { try Timestamp(parsing: $0, in: zone, field: "--to") } ?? Self.thisHour()
            let start =
                try from.map { try Timestamp(parsing: $0, in: zone, field: "--from") }
                ?? Timestamp(milliseconds: end.milliseconds - 86_400_000)
            var request = ReportRequest(
                campaigns: splitList(campaigns),
                window: ReportWindow(start: start, end: end))
            request.timeZone = tz
            request.ruleSet = try loadRuleSet(rules)
            try request.validate(ReportLimits())
            let configuration = try publish ? publishing.load(dataFolder: data.folder) : nil
            // A file named with --config is read and checked even when nothing here uses it.
            if !publish, publishing.settings.config != nil { _ = try publishing.load(dataFolder: data.folder) }
            let app = try await data.application(
                configuration ?? ServiceConfiguration(),
                needs: publish ? [.writing, .cxone, .publishing] : [.writing, .cxone],
                logger: logging.logger(unset: verbose ? .info : .error))
            request.publishTo = app.publishing?.recipients
            printError(app.tenant!.description)
            try await app.run { app in
                do {
                    // Published within the run, so the run's trace holds its effects.
                    try await app.reports!.run(request) { outcome in
                        try await finish(outcome, publisher: publish ? app.publisher() : nil)
                    }
                } catch let failure as ReportRunFailure {
                    if format == .json {
                        say(
                            try OutputFormat.line([
                                "report_id": .string(failure.reportID), "outcome": "failed",
                                "reason": .string("\(failure)"),
                            ]))
                    } else {
                        printError("dialer-ledger: report \(failure.reportID) failed, nothing published: \(failure)")
                    }
                    throw ExitCode(4)
                }
            }
        }
    }

    /// Writes the run's report and its summary, then publishes it with `publisher` when given.
    private func finish(_ outcome: ReportOutcome, publisher: ReportPublisher?) async throws {
        let path = out ?? "\(data.folder)/reports/\(outcome.generated.reportID).json"
        try write(outcome.document, to: path)
        let summary = ReportSummary(outcome.run, generated: outcome.generated)
        guard format == .json else {
            let lines =
                summary.lines + [
                    "  written: \(path == "-" ? "standard output" : path) (\(outcome.generated.size) bytes, sha256 \(outcome.generated.sha256.hex.prefix(16))…)",
                    "  recorded in \(data.logDescription) (ReportGenerated at seq \(outcome.generatedSeq)); "
                        + "replay: dialer-ledger replay --report \(outcome.generated.reportID)",
                ]
            for line in lines { say(line) }
            if let publisher {
                try await publishAll(publisher, reportID: outcome.generated.reportID, toStandardError: path == "-")
            }
            return
        }
        var fields = summary.fields
        fields["written"] = .string(path)
        fields["size"] = .int(Int64(outcome.generated.size))
        fields["sha256"] = .string(outcome.generated.sha256.hex)
        fields["generated_seq"] = .int(Int64(outcome.generatedSeq))
        var unfinished = false
        if let publisher {
            let results = try await publishedResults(publisher, reportID: outcome.generated.reportID)
            fields["publications"] = .array(results.map(PublishSummary.json))
            unfinished = results.contains { !$0.unfinished.isEmpty }
        }
        say(try OutputFormat.line(.object(fields)))
        if unfinished { throw ExitCode(3) }
    }

    /// Prints a summary line: on standard error when the chart itself goes to standard output.
    private func say(_ line: String) {
        out == "-" ? printError(line) : print(line)
    }

    /// The start of the current UTC hour.
    private static func thisHour() -> Timestamp {
        let now = SystemCXoneClock().now().milliseconds
        return Timestamp(milliseconds: now - now % 3_600_000)
    }
}

/// Splits a comma-separated option into its trimmed items.
func splitList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
}
