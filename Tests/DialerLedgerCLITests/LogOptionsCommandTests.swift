import DialerCore
import DialerTesting
import Foundation
import Testing

/// `--log-level` and `--log-format` (and their environment variables) as an operator uses them: JSON lines a
/// collector parses, levels that filter, the option over the variable, a bad value named, no secret logged.
@Suite struct LogOptionsCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// The lines of standard error that are log entries in JSON (they start with `{`), each parsed.
    private func entries(_ stderr: String) throws -> [JSONValue] {
        try stderr.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSONParser.parse(Array($0.utf8)) }
    }

    private let window = ["--from", "2026-11-29", "--to", "2026-11-30"]

    @Test func jsonEntriesParseCarryTheirFieldsAndStayOneLineWhateverTheValues() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A campaign id with a line break and an escape sequence: the embedded CXone simulator (campaigns
        // CAMPAIGN_001…010) refuses it, and the warning names it.
        let forged = "NOPE\n{\"level\":\"critical\"}\u{1B}[31m\u{2028}"
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,\(forged)", "--log-format", "json",
                "--log-level", "trace",
            ] + window, environment: ["CXONE_BASE_URL": ""])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let entries = try entries(run.stderr)
        #expect(entries.count >= 3, "\(run.stderr)")
        let levels = Set(["trace", "debug", "info", "notice", "warning", "error", "critical"])
        for entry in entries {
            let time = try #require(entry["time"]?.stringValue)
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
            #expect(levels.contains(entry["level"]?.stringValue ?? ""))
            #expect(entry["label"]?.stringValue == "dialer-ledger")
            #expect(entry["message"]?.stringValue?.isEmpty == false)
            guard case .object? = entry["metadata"] else {
                Issue.record("metadata is not an object: \(entry)")
                continue
            }
            #expect(entry["file"]?.stringValue?.hasSuffix(".swift") == true)
        }
        #expect(entries.contains { $0["level"]?.stringValue == "trace" || $0["level"]?.stringValue == "debug" })
        let warning = try #require(entries.first { $0["message"]?.stringValue == "campaign report failed" })
        #expect(warning["level"]?.stringValue == "warning")
        #expect(warning["metadata"]?["campaign"]?.stringValue == forged, "read back exactly as it was")
        // Every entry is a line of its own: the forged value split no line and forged no entry.
        let forgedEntries = entries.filter { $0["level"]?.stringValue == "critical" }
        #expect(forgedEntries.isEmpty)
        #expect(!run.stderr.contains("\u{1B}") && !run.stderr.contains("\u{2028}"))
    }

    @Test func theLevelFiltersAndTheOptionWinsOverTheVariable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let base = ["report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,NOPE"] + window
        // The variables alone: info and up, as JSON.
        let fromVariables = try await tool.run(
            base,
            environment: [
                "CXONE_BASE_URL": "", "DIALER_LEDGER_LOG_LEVEL": "info", "DIALER_LEDGER_LOG_FORMAT": "json",
            ])
        #expect(fromVariables.status == 0, "\(fromVariables.stderr)")
        let messages = try entries(fromVariables.stderr).compactMap { $0["message"]?.stringValue }
        #expect(messages.contains("report run started") && messages.contains("campaign report failed"))
        // The options over them: warnings and up, as text.
        let fromOptions = try await tool.run(
            base + ["--log-level", "warning", "--log-format", "text"],
            environment: [
                "CXONE_BASE_URL": "", "DIALER_LEDGER_LOG_LEVEL": "trace", "DIALER_LEDGER_LOG_FORMAT": "json",
            ])
        #expect(fromOptions.status == 0, "\(fromOptions.stderr)")
        #expect(try entries(fromOptions.stderr).isEmpty, "text, not JSON")
        #expect(fromOptions.stderr.contains("warning dialer-ledger"))
        #expect(fromOptions.stderr.contains("campaign report failed"))
        #expect(!fromOptions.stderr.contains("report run started"), "info is below warning")
        // Neither: the command's own level (errors only) in text.
        let unset = try await tool.run(base, environment: ["CXONE_BASE_URL": ""])
        #expect(unset.status == 0 && !unset.stderr.contains("campaign report failed"))
    }

    @Test func aBadValueIsRefusedNamingTheOptionOrVariableAndTheValuesAllowed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let option = try await tool.run(["verify", "--data", folder.path, "--log-level", "loud"])
        #expect(option.status == 64)
        #expect(
            option.stderr.contains(
                #"--log-level: "loud" is not one of trace, debug, info, notice, warning, error, critical"#),
            "\(option.stderr)")
        let variable = try await tool.run(
            ["verify", "--data", folder.path], environment: ["DIALER_LEDGER_LOG_FORMAT": "yaml"])
        #expect(variable.status == 64)
        #expect(variable.stderr.contains(#"DIALER_LEDGER_LOG_FORMAT: "yaml" is not one of text, json"#))
        // The option wins, so a bad variable under a good option is not read.
        let overridden = try await tool.run(
            ["cron", "next", "@daily", "--log-format", "json"], environment: ["DIALER_LEDGER_LOG_FORMAT": "yaml"])
        #expect(overridden.status == 0, "\(overridden.stderr)")
    }

    @Test func everyCommandTakesTheLogOptions() async throws {
        var pending = [[String]()]
        var leaves: [[String]] = []
        while let path = pending.popLast() {
            let help = try await tool.run(path + ["--help"]).stdout
            let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first
            guard let section else {
                leaves.append(path)
                #expect(help.contains("--log-level <LEVEL>"), "\(path.joined(separator: " "))")
                #expect(help.contains("--log-format <FORMAT>"), "\(path.joined(separator: " "))")
                continue
            }
            // A subcommand's line is two spaces and its name; deeper lines continue its abstract.
            for line in section.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
                guard line.hasPrefix(" ") else { break }
                guard !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
                if name != "help" { pending.append(path + [String(name)]) }
            }
        }
        #expect(leaves.count >= 20, "\(leaves)")
    }

    @Test func noConfiguredSecretReachesALogLine() async throws {
        let peers = try await PublishingPeers.start()
        defer { peers.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let simulator = try await SimulatorProcess(tool: tool, folder: folder)
        defer { simulator.killIfRunning() }
        let config = folder.appending("settings.json")
        try peers.writeSettings(to: config)
        let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let receiver = try await WebhookTestReceiver(secret: webhookSecret, fail: 1)
        defer { receiver.stop() }
        var environment = peers.environment().merging(simulator.environment) { $1 }
        environment["WEBHOOK_SECRET"] = webhookSecret
        environment["DIALER_LEDGER_LOG_LEVEL"] = "trace"
        environment["DIALER_LEDGER_LOG_FORMAT"] = "json"
        let report = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--config", config, "--campaigns", "CAMPAIGN_001", "--publish",
                "--email", "ops@example.com",
            ] + window, environment: environment)
        #expect(report.status == 0, "\(report.stdout)\n\(report.stderr)")
        let contacts = folder.appending("contacts.csv")
        try Data("id,timezone\nc1,Asia/Kolkata\n".utf8).write(to: URL(fileURLWithPath: contacts))
        let schedule = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "CAMPAIGN_004", "--cron", "0 22 * * *",
                "--contacts", contacts, "--expected", "1", "--poll-interval", "1s", "--timeout", "1m", "--webhook",
                receiver.url, "--zone-calling-hours", "Asia/Kolkata=20:00-23:00",
            ], environment: environment)
        #expect(schedule.status == 0, "\(schedule.stdout)\n\(schedule.stderr)")
        #expect(try receiver.deliveries().count >= 1)
        let logged = report.stderr + schedule.stderr
        // No token response either, as text or as the bytes in hex an HTTP client traces.
        let tokenResponse = #"{"access_token""#
        #expect(!logged.contains(tokenResponse))
        #expect(!logged.contains(tokenResponse.utf8.map { String($0, radix: 16) }.joined()))
        #expect(try entries(logged).count >= 10, "trace logs plenty")
        for secret in [
            peers.key.secretAccessKey, SMTPTestServer.password, webhookSecret, SimulatorProcess.secret,
            String(webhookSecret.dropFirst("whsec_".count)),
        ] {
            #expect(!logged.contains(secret), "a secret reached a log line")
        }
    }
}
