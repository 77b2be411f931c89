import DialerTesting
import EventLog
import Foundation
import Testing

/// The real profile as an operator uses it: `simulate --profile cxone` in its own process, its `use it:`
/// line's environment given to `report run` and `schedule run`.
@Suite struct RealProfileCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func reportRunWorksAndScheduleRunIsRefusedAgainstARealProfileTenant() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let secret = "sim-secret-9"
        let output = folder.appending("simulator.out")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let simulator = Process()
        simulator.executableURL = URL(fileURLWithPath: tool.executable)
        simulator.arguments = [
            "simulate", "--port", "0", "--profile", "cxone", "--rows-key", "outboundStats", "--client-secret", secret,
        ]
        simulator.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        simulator.standardError = FileHandle.nullDevice
        try simulator.run()
        defer { if simulator.isRunning { kill(simulator.processIdentifier, SIGKILL) } }
        var useIt: Substring?
        for _ in 0..<200 where useIt == nil {
            try await Task.sleep(for: .milliseconds(50))
            useIt = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
                .first { $0.contains("use it: CXONE_PROFILE=cxone CXONE_ISSUER=http://127.0.0.1:") }
        }
        var environment: [String: String] = [:]
        for word in try #require(useIt).split(separator: " ") where word.hasPrefix("CXONE_") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts[1]
        }
        environment["CXONE_CLIENT_SECRET"] = secret
        #expect(environment["CXONE_ACCESS_KEY_ID"] != nil && environment["CXONE_ACCESS_KEY_SECRET"] != nil)

        let report = try await tool.run(
            ["report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001"], environment: environment)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("1 of 1 campaigns"))
        #expect(report.stderr.contains("CXone: \(environment["CXONE_ISSUER"]!)"))

        let contacts = folder.appending("contacts.csv")
        try Data("id,timezone\nc1,America/New_York\n".utf8).write(to: URL(fileURLWithPath: contacts))
        let before = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events().count
        let schedule = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "CAMPAIGN_001", "--cron", "0 9 * * *",
                "--contacts", contacts, "--expected", "1",
            ], environment: environment)
        #expect(schedule.status == 2)
        #expect(schedule.stderr.contains("has no per-contact schedule submission"))
        #expect(schedule.stderr.contains("uploading call lists"))
        let after = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events().count
        #expect(after == before, "nothing recorded")
        let check = try await tool.run(["config", "check", "--data", folder.path], environment: environment)
        #expect(check.stdout.contains("CXONE_ISSUER") && check.stdout.contains("CXONE_ACCESS_KEY_SECRET"))
        let embedded = try await tool.run(
            ["config", "check", "--data", folder.path], environment: ["CXONE_PROFILE": "cxone"])
        #expect(embedded.stdout.contains("unset: the embedded simulator, cxone profile"))
        for text in [report.stdout, report.stderr, schedule.stdout, schedule.stderr, check.stdout, check.stderr] {
            #expect(!text.contains(environment["CXONE_ACCESS_KEY_SECRET"]!) && !text.contains(secret))
        }
    }
}
