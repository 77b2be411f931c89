import ArgumentParser
import DialerCore
import Foundation

/// `dialer-ledger replay`: rebuilds a report from the log alone, as recorded or under other rules.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a report from stored events: as recorded, or re-derived under other rules.",
        discussion: """
            As recorded, the chart is rebuilt from the stored derived hours and must reproduce the SHA-256 \
            its ReportGenerated event holds (exit 1 if not). With --rules the recorded CXone pages are \
            derived again under that rule set; --diff shows what changes per campaign-hour. A replay \
            performs no effect and appends nothing.
            """)

    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("The report (default: the newest one as of --as-of).", valueName: "ID")) var report:
        String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Read the log as it was then.", valueName: "seq:N|INSTANT"))
    var asOf: String?
    @Option(
        help: ArgumentHelp("Re-derive under this rule set (a built-in name or a JSON file).", valueName: "NAME|FILE"))
    var rules: String?
    @Flag(help: "With --rules: write the per campaign-hour diff instead of the chart.") var diff = false
    @Option(help: ArgumentHelp("Write the chart (or the diff) here; - for standard output.", valueName: "FILE"))
    var out: String?

    func validate() throws {
        if diff, rules == nil { throw ValidationError("--diff: needs --rules (the rule set to compare with)") }
    }

    func run() throws {
        try reportingErrors {
            let other = try rules.map(loadRuleSet)
            let log = try data.openLog(.readOnly)
            let (output, lines, sound) = try log.withSnapshot { snapshot in
                let point =
                    try asOf.map { try AsOf(parsing: $0, field: "--as-of").resolve(in: snapshot) }
                    ?? snapshot.lastSequence()
                guard let (generated, seq) = try RecordedRun.report(report, snapshot: snapshot, throughSeq: point)
                else {
                    throw ValidationError(
                        report.map { "--report: no report \"\($0)\" in the log through seq \(point)" }
                            ?? "no report in the log through seq \(point); run `dialer-ledger report run` first")
                }
                let run = try RecordedRun(runID: generated.runID, snapshot: snapshot, throughSeq: generated.asOfSeq) {
                    printError("replay: \($0) events of \(generated.reportID) read…")
                }
                return try replay(run, generated: generated, seq: seq, rules: other)
            }
            if let out { try write(output, to: out) }
            for line in lines { out == "-" ? printError(line) : print(line) }
            if !sound { throw ExitCode(1) }
        }
    }

    /// The document to write, the lines to print, and whether an as-recorded replay matched.
    private func replay(_ run: RecordedRun, generated: ReportGenerated, seq: UInt64, rules: RuleSet?) throws
        -> ([UInt8], [String], Bool)
    {
        let recorded = try run.chart(asOfSeq: generated.asOfSeq).bytes
        let recordedHash = SHA256Digest.of(recorded)
        let matches = recordedHash == generated.sha256
        var lines = ReportSummary(run, generated: generated).lines
        lines.append(
            matches
                ? "  as recorded: sha256 \(recordedHash.hex) matches ReportGenerated at seq \(seq) "
                    + "(\(recorded.count) bytes, byte for byte)"
                : "  as recorded: sha256 \(recordedHash.hex) DIFFERS from \(generated.sha256.hex) recorded at seq \(seq)"
        )
        guard let rules else { return (recorded, lines, matches) }
        let rederived = try run.rederived(under: rules)
        let chart = try run.chart(rederivedUnder: rules, asOfSeq: generated.asOfSeq).bytes
        let changes = ReportDiff(
            reportID: generated.reportID, campaigns: run.reportedCampaigns, recorded: run.intervals,
            rederived: rederived, before: run.ruleSet, after: rules)
        lines.append(
            "  re-derived under \(rules.id) (rule set hash \(rules.hash.hex.prefix(12))…): sha256 "
                + "\(SHA256Digest.of(chart).hex.prefix(16))…, \(changes.changed) of \(changes.compared) "
                + "campaign-hours differ from what was sent")
        if case .array(let items)? = changes.json["changes"] {
            for change in items.prefix(8) { lines.append("    " + Self.describe(change)) }
            if items.count > 8 { lines.append("    … \(items.count - 8) more (--diff --out FILE for all)") }
        }
        return (diff ? try CanonicalJSON(changes.json).bytes : chart, lines, matches)
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
