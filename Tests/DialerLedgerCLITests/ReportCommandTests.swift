import DialerCore
import DialerTesting
import Foundation
import Testing

/// `report run` and `replay` as a user runs them, against the embedded simulator.
@Suite struct ReportCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private let noCXone = ["CXONE_BASE_URL": ""]

    @Test func aReportIsWrittenAndReplaysByteForByteInAnotherZoneAndLocale() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = folder.appending("report.json")
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002,NOPE",
                "--from", "2026-11-30", "--to", "2026-12-01", "--tz", "America/Chicago", "--out", out,
            ], environment: noCXone)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("CXone: embedded simulator at http://127.0.0.1:"))
        #expect(run.lines.first?.contains("2 of 3 campaigns, 2026-11-30T06:00:00Z → 2026-12-01T06:00:00Z") == true)
        #expect(run.stdout.contains("failed: NOPE: CXone campaign report answered HTTP 404"))
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        let id = try #require(try JSONParser.parse(Array(written))["report_id"]?.stringValue)

        let replay = try await tool.run(
            ["replay", "--data", folder.path, "--report", id, "--out", "-"],
            environment: ["TZ": "Asia/Kolkata", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(Data(replay.stdout.utf8) == written + Data([0x0A]))
        #expect(replay.stderr.contains("matches ReportGenerated at seq"))
        #expect(replay.stderr.contains("byte for byte"))
    }

    @Test func aRuleChangeIsReplayedWithItsDiffAndNothingIsAppended() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_003", "--from",
                "2026-11-30T00:00:00Z", "--to", "2026-12-01T00:00:00Z",
            ], environment: noCXone)
        #expect(run.status == 0, "\(run.stderr)")
        let before = try await tool.run(["events", "count", "--data", folder.path])
        let diffFile = folder.appending("diff.json")
        let replay = try await tool.run(
            ["replay", "--data", folder.path, "--rules", "zero-fill", "--diff", "--out", diffFile])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("re-derived under zero-fill"))
        let diff = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: diffFile))))
        let changed = try #require(diff["changed"]?.intValue)
        #expect(changed > 0)
        guard case .array(let changes)? = diff["changes"] else { throw CancellationError() }
        #expect(changes.count == Int(changed))
        #expect(changes.allSatisfy { $0["after"]?["source"] == "filled" && $0["after"]?["calls_attempted"] == .int(0) })
        #expect(try await tool.run(["events", "count", "--data", folder.path]).stdout == before.stdout)
    }

    @Test func badInputIsNamedAndLeavesTheLogAlone() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cases: [([String], String)] = [
            (["--campaigns", "A", "--from", "2026-12-02", "--to", "2026-12-01"], "window.end"),
            (["--campaigns", "A", "--from", "2026-11-31"], "--from: \"2026-11-31\" has day 31, not 1-30 in 2026-11"),
            (["--campaigns", "A", "--tz", "Mars/Olympus"], "--tz: \"Mars/Olympus\""),
            (["--campaigns", "A", "--rules", "strict"], "--rules: \"strict\" is neither a built-in rule set"),
        ]
        for (arguments, message) in cases {
            let outcome = try await tool.run(
                ["report", "run", "--data", folder.path] + arguments, environment: noCXone)
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")), "refused before the log was made")
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "2"])
        let replay = try await tool.run(["replay", "--data", folder.path])
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("no report in the log through seq 54"), "\(replay.stderr)")
    }
}
