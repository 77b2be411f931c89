import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger replay`: rebuilds a report from the log alone, as recorded or under other rules.
struct ReplayCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a report from stored events: as recorded, or re-derived under other rules.",
        discussion: """
            As recorded, the chart is rebuilt from the stored derived hours and must reproduce the SHA-256 \
            its ReportGenerated event holds (exit 1 if not). With --rules the recorded CXone pages are \
            derived again under that rule set; --diff shows what changes per campaign-hour. --format html or \
            csv writes the report's page or CSV instead of its chart JSON, the same bytes as `report show` \
            gives for a recording. A replay performs no effect and appends nothing.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("The report (default: the newest one as of --as-of).", valueName: "ID")) var report:
        String?
    @Option(
        name: .customLong("as-of"), help: ArgumentHelp("Read the log as it was then.", valueName: "seq:N|INSTANT|DATE"))
    var asOf: String?
    @Option(
        help: ArgumentHelp("Re-derive under this rule set (a built-in name or a JSON file).", valueName: "NAME|FILE"))
    var rules: String?
    @Flag(help: "With --rules: write the per campaign-hour diff instead of the chart.") var diff = false
    @Option(help: ArgumentHelp("Write the chart (or the diff) here; - for standard output.", valueName: "FILE"))
    var out: String?
    @Option(help: "With --out: json (the chart), html (the report page) or csv.") var format: ReportFormat = .json

    func validate() throws {
        if diff, rules == nil { throw ValidationError("--diff: needs --rules (the rule set to compare with)") }
        if diff, format != .json { throw ValidationError("--format: the diff is JSON only; drop --format or --diff") }
        if format != .json, out == nil {
            throw ValidationError("--format: needs --out FILE (or - for standard output)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let other = try rules.map(loadRuleSet)
            let lookup = try await data.withLog { log in
                try await log.withSnapshot { snapshot in
                    try ReportReplay.replay(
                        report, asOf: try asOf.map { try AsOf(parsing: $0, field: "--as-of") }, rules: other,
                        snapshot: snapshot
                    ) { printError("replay: \($1) events of \($0) read…") }
                }
            }
            guard case .replayed(let replay) = lookup else {
                if case .noReport(let point) = lookup {
                    throw ValidationError(
                        report.map { "--report: no report \"\($0)\" in the log through seq \(point)" }
                            ?? "no report in the log through seq \(point); run `dialer-ledger report run` first")
                }
                return
            }
            if let out { try write(try replay.document(format, diff: diff), to: out) }
            for line in Self.lines(replay) { out == "-" ? printError(line) : print(line) }
            if !replay.matchesRecording { throw ExitCode(1) }
        }
    }

    /// What a person reads about a replay: the run's summary, the as-recorded check and the changes.
    private static func lines(_ replay: ReportReplay) -> [String] {
        let (generated, seq) = (replay.generated, replay.generatedSeq)
        let recordedHash = SHA256Digest.of(replay.recorded)
        var lines = ReportSummary(replay.run, generated: generated).lines
        lines.append(
            replay.matchesRecording
                ? "  as recorded: sha256 \(recordedHash.hex) matches ReportGenerated at seq \(seq) "
                    + "(\(replay.recorded.count) bytes, byte for byte)"
                : "  as recorded: sha256 \(recordedHash.hex) DIFFERS from \(generated.sha256.hex) recorded at seq \(seq)"
        )
        guard let rederived = replay.rederived else { return lines }
        let (rules, changes) = (rederived.rules, rederived.diff)
        lines.append(
            "  re-derived under \(rules.id) (rule set hash \(rules.hash.hex.prefix(12))…): sha256 "
                + "\(SHA256Digest.of(rederived.chart).hex.prefix(16))…, \(changes.changed) of \(changes.compared) "
                + "campaign-hours differ from what was sent")
        if case .array(let items)? = changes.json["changes"] {
            for change in items.prefix(8) { lines.append("    " + describe(change)) }
            if items.count > 8 { lines.append("    … \(items.count - 8) more (--diff --out FILE for all)") }
        }
        return lines
    }

    private static func describe(_ change: JSONValue) -> String {
        func side(_ value: JSONValue?) -> String {
            guard let value, value != .null else { return "absent" }
            let counts = ["calls_attempted", "calls_connected", "calls_abandoned"].map { key in
                value[key].map { number in
                    number.intValue.map(String.init) ?? number.doubleValue.map { String(format: "%.2f", $0) } ?? "?"
                } ?? "?"
            }
            let verdict = value["dropped_by"]?.stringValue.map { "dropped by \($0)" } ?? "kept"
            return "\(value["source"]?.stringValue ?? "?") \(counts.joined(separator: "/")) \(verdict)"
        }
        let campaign = change["campaign_id"]?.stringValue ?? "?"
        let hour = change["hour"]?.stringValue ?? "?"
        return "\(campaign) \(hour): \(side(change["before"])) → \(side(change["after"]))"
    }
}
