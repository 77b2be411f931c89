import DialerCore
import DialerTesting
import Foundation
import Testing

/// The server the PostgreSQL command tests use (nil: they are left out, as the EventStore contract says).
private let testPostgresServer = ProcessInfo.processInfo.environment["DIALER_LEDGER_TEST_POSTGRES"].flatMap {
    $0.isEmpty ? nil : $0
}

/// The maintenance commands on a PostgreSQL log, run as a user runs them: `log copy` there and back,
/// `verify --store` and `views rebuild --store`. The server is `DIALER_LEDGER_TEST_POSTGRES` (`tools/test`
/// starts one); each test makes a database of its own with `psql`, dropped after.
@Suite(.enabled(if: testPostgresServer != nil)) struct PostgresCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Runs `body` with the URL of a new empty database on the server, dropped afterwards.
    private func withDatabase(_ body: (String) async throws -> Void) async throws {
        let server = try #require(testPostgresServer)
        let name = "dialer_ledger_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = try await CommandLineTool.runAny(
            "/usr/bin/env", ["psql", server, "-c", "CREATE DATABASE \(name)"])
        try #require(created.status == 0, "\(created.stderr)")
        let url = server[..<server.lastIndex(of: "/")!] + "/" + name
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await body(url))
        } catch {
            outcome = .failure(error)
        }
        _ = try await CommandLineTool.runAny(
            "/usr/bin/env", ["psql", server, "-c", "DROP DATABASE \(name) WITH (FORCE)"])
        try outcome.get()
    }

    @Test func copiesAnLMDBLogToPostgreSQLAndBackAndVerifiesAndRebuildsItThere() async throws {
        let (from, back) = (try TemporaryFolder(), try TemporaryFolder())
        defer { from.remove(); back.remove() }
        _ = try await tool.run(["sample", "--data", from.path, "--batches", "12", "--batch-size", "5", "--effects"])
        let source = try await tool.run(["events", "list", "--data", from.path])
        let count = source.lines.count
        try await withDatabase { url in
            let there = try await tool.run(["log", "copy", "--from", from.path, "--to", url, "--batch-size", "25"])
            #expect(there.status == 0, "\(there.stderr)")
            #expect(there.stderr.hasSuffix("log copy: \(count) / \(count) events\n"))
            let sound = try await tool.run(["verify", "--store", url])
            #expect(sound.status == 0, "\(sound.stderr)")
            #expect(sound.stdout.hasPrefix("log sound: \(count) events (seq 1…\(count)),"))
            #expect(sound.stdout.hasSuffix(" at \(url)\n"))
            let lmdb = try await tool.run(["verify", "--data", from.path])
            #expect(lmdb.stdout.split(separator: " at ").first == sound.stdout.split(separator: " at ").first)
            let rebuilt = try await tool.run(["views", "rebuild", "--store", url])
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            #expect(
                rebuilt.lines
                    == ["audit", "completion", "reports"].map {
                        "\($0): rebuilt through seq \(count); equal to the kept rows"
                    })
            let home = try await tool.run(["log", "copy", "--from", url, "--to", back.path])
            #expect(home.status == 0, "\(home.stderr)")
            #expect(try await tool.run(["events", "list", "--data", back.path]).stdout == source.stdout)
            let again = try await tool.run(["log", "copy", "--from", back.path, "--to", url])
            #expect(again.status == 2)
            #expect(again.stderr.contains("--to: \(url) already holds a log (\(count) events)"))
        }
    }

    @Test func twoProcessesFinishingOneUnfinishedPublicationOnPostgreSQLMailItOnce() async throws {
        let peers = try await PublishingPeers.start()
        defer { peers.stop() }
        let folders = (try TemporaryFolder(), try TemporaryFolder(), try TemporaryFolder())
        defer { folders.0.remove(); folders.1.remove(); folders.2.remove() }
        let config = folders.0.appending("settings.json")
        try peers.writeSettings(to: config)
        try await withDatabase { url in
            #expect(try await tool.run(["log", "init", "--store", url]).status == 0)
            // The run's publication is left unfinished: the bucket it names does not exist.
            let run = try await tool.run(
                [
                    "report", "run", "--store", url, "--data", folders.0.path, "--config", config, "--campaigns",
                    "CAMPAIGN_001", "--from", "2026-11-30", "--to", "2026-12-01", "--publish", "--email",
                    "ops@example.com",
                ], environment: peers.environment(bucket: "no-such-bucket"))
            #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
            // Two machines (data folders of their own, one log) finish it at the same time.
            let outputs = [folders.1, folders.2].map { $0.appending("publish.out") }
            let racers = try zip([folders.1, folders.2], outputs).map { folder, output in
                try tool.start(
                    ["report", "publish", "--store", url, "--data", folder.path, "--config", config],
                    environment: peers.environment(), standardOutput: output)
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while racers.contains(where: \.isRunning), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            for racer in racers where racer.isRunning { racer.terminate() }
            let statuses = racers.map(\.terminationStatus)
            let said = try outputs.map { try String(contentsOfFile: $0, encoding: .utf8) }
            // The loser finds the e-mail claimed (in flight, exit 3) or already sent (exit 0).
            #expect(statuses.contains(0) && statuses.allSatisfy { [0, 3].contains($0) }, "\(statuses) \(said)")
            let events = try await tool.run(["events", "list", "--store", url])
            let types = events.lines.compactMap { line in
                (try? JSONParser.parse(Array(line.utf8)))?["type"]?.stringValue
            }
            for (type, count) in [
                ("ReportUploaded", 3), ("ReportLinkIssued", 1), ("ReportEmailRequested", 1),
                ("ReportEmailAttempted", 1), ("ReportEmailed", 1),
            ] {
                #expect(types.filter { $0 == type }.count == count, "\(type)")
            }
            #expect(try peers.smtp.receivedFiles().count == 1, "one e-mail in all")
            let after = try await tool.run(
                ["report", "publish", "--store", url, "--data", folders.1.path, "--config", config],
                environment: peers.environment())
            #expect(after.stdout.contains("nothing to publish"), "\(after.stdout)")
        }
    }
}
