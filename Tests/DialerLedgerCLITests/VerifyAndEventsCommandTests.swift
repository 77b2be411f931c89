import DialerCore
import DialerTesting
import Foundation
import Testing

/// The `verify`, `events` and `sample` commands, run as a user runs them.
@Suite struct VerifyAndEventsCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func verifyPassesASampleAndNamesAFlippedByte() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sample = try await tool.run(["sample", "--data", folder.path])
        #expect(sample.status == 0)
        #expect(sample.stdout.hasPrefix("sample \"demo\": appended 162 events in 6 batches"))

        let sound = try await tool.run(["verify", "--data", folder.path])
        #expect(sound.status == 0)
        #expect(sound.stdout.hasPrefix("log sound: 162 events (seq 1…162), 9 streams, 4 types, 162 idempotency keys"))
        #expect(sound.stdout.contains("; views audit, completion, reports equal a fresh fold; at "))
        let json = try await tool.run(["verify", "--format", "json", "--data", folder.path])
        #expect(json.status == 0)
        let summary = try JSONParser.parse(json.stdout)
        #expect(summary["sound"] == true && summary["events"] == 162 && summary["idempotency_keys"] == 162)
        #expect(summary["views"] == ["audit", "completion", "reports"])

        // Batch 3, position 5 is seq 3 * 27 + 5 + 1 = 87. Flip every stored copy of its key inside event
        // records (where a big-endian length precedes it; the index stores it little-endian), so the live
        // page is changed whatever copy-on-write left behind.
        let dataFile = URL(fileURLWithPath: folder.appending("log/data.mdb"))
        var bytes = [UInt8](try Data(contentsOf: dataFile))
        let needle: [UInt8] = [0, 15] + Array("sample:demo:3:5".utf8)
        var flipped = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<index + needle.count]) == needle {
                bytes[index + needle.count - 1] ^= 0x01
                flipped += 1
            }
            index += 1
        }
        #expect(flipped >= 1)
        try Data(bytes).write(to: dataFile)

        let unsound = try await tool.run(["verify", "--data", folder.path])
        #expect(unsound.status == 1)
        #expect(unsound.stderr.contains("seq 87: content does not match its hash"))
        let unsoundJSON = try await tool.run(["verify", "--format", "json", "--data", folder.path])
        #expect(unsoundJSON.status == 1)
        let verdict = try JSONParser.parse(unsoundJSON.stdout)
        #expect(verdict["sound"] == false)
        #expect(verdict["problem"]?.stringValue?.contains("seq 87: content does not match its hash") == true)
    }

    @Test func verifyExplainsAMissingLog() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = try await tool.run(["verify", "--data", folder.appending("nowhere")])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "dialer-ledger: \(folder.appending("nowhere"))/log: no DialerLedger log here\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appending("nowhere")))
    }

    @Test func eventsPrintCanonicalLinesWithFilters() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try await tool.run(["sample", "--data", folder.path])
        let tail = try await tool.run(["events", "tail", "-n", "3", "--data", folder.path])
        #expect(tail.status == 0)
        let seqs = try tail.lines.map { try JSONParser.parse($0)["seq"]?.intValue }
        #expect(seqs == [160, 161, 162])
        for line in tail.lines {
            #expect(try CanonicalJSON(bytes: Array(line.utf8), validating: true).bytes == Array(line.utf8))
        }

        let show = try await tool.run(["events", "show", "28", "--data", folder.path])
        #expect(try JSONParser.parse(show.stdout.trimmingCharacters(in: .newlines))["type"] == "ReportRunStarted")

        let count = { (args: [String]) async throws -> String in
            try await tool.run(["events", "count", "--data", folder.path] + args).stdout
        }
        #expect(try await count([]) == "162\n")
        #expect(try await count(["--type", "ReportGenerated"]) == "6\n")
        #expect(try await count(["--stream", "campaign:CAMPAIGN_002"]) == "50\n")
        #expect(try await count(["--as-of", "seq:100"]) == "100\n")
        #expect(try await count(["--type", "ReportRunStarted", "--as-of", "seq:55"]) == "3\n")
        #expect(try await count(["--to", "2000-01-01T00:00:00Z"]) == "0\n")
        #expect(try await count(["--from", "2000-01-01T00:00:00Z"]) == "162\n")
        let mistyped = try await tool.run(["events", "count", "--type", "ReportGenerate", "--data", folder.path])
        #expect(mistyped.status == 2)
        #expect(mistyped.stderr.hasPrefix("dialer-ledger: --type: \"ReportGenerate\" is not an event type; known: "))
        #expect(mistyped.stderr.contains(", ReportGenerated, "))

        let table = try await tool.run(["events", "tail", "-n", "2", "--format", "table", "--data", folder.path])
        #expect(table.lines.count == 3)
        #expect(table.lines[0].hasPrefix("SEQ    RECORDED_AT"))
        #expect(table.lines[2].hasPrefix("162    "))
        #expect(table.lines[2].contains(" ReportGenerated "))
        #expect(table.lines[2].hasSuffix(" sample:demo:5:26"))

        let listed = try await tool.run(["events", "list", "--after", "150", "--limit", "2", "--data", folder.path])
        #expect(try listed.lines.map { try JSONParser.parse($0)["seq"]?.intValue } == [151, 152])
        let array = try await tool.run(
            ["events", "list", "--after", "150", "--limit", "2", "--format", "json", "--data", folder.path])
        #expect(try JSONParser.parse(array.stdout).arrayValue?.map { $0["seq"]?.intValue } == [151, 152])
        let empty = try await tool.run(["events", "list", "--after", "500", "--format", "json", "--data", folder.path])
        #expect(empty.stdout == "[]\n")
        let csv = try await tool.run(["events", "tail", "--limit", "1", "--format", "csv", "--data", folder.path])
        #expect(csv.stdout.hasPrefix("seq,recorded_at,type,stream,idempotency_key\r\n162,"))

        let missing = try await tool.run(["events", "show", "999", "--data", folder.path])
        #expect(missing.status == 2)
        #expect(missing.stderr == "dialer-ledger: SEQ: no event 999; the log holds 1…162\n")

        let badTime = try await tool.run(["events", "count", "--from", "yesterday", "--data", folder.path])
        #expect(badTime.status == 2)
        #expect(
            badTime.stderr
                == "dialer-ledger: --from: \"yesterday\" is neither an RFC 3339 instant nor a YYYY-MM-DD date\n")
    }

    @Test func tailFollowPrintsWhatAnotherProcessAppendsUntilStopped() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(try await tool.run(["sample", "--data", folder.path, "--batches", "2"]).status == 0)
        let output = folder.appending("follow.csv")
        let follower = try tool.start(
            [
                "events", "tail", "-n", "1", "--follow", "--type", "ReportGenerated", "--format", "csv", "--data",
                folder.path,
            ],
            standardOutput: output)
        defer { if follower.isRunning { follower.terminate() } }
        func rows() -> [String] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").components(separatedBy: "\r\n")
                .filter { !$0.isEmpty }
        }
        func waitFor(_ count: Int) async throws {
            let deadline = Date().addingTimeInterval(30)
            while rows().count < count, follower.isRunning, Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await waitFor(2)
        #expect(rows().count == 2, "the header and the newest report: \(rows())")
        #expect(try await tool.run(["sample", "--data", folder.path, "--tag", "more", "--batches", "2"]).status == 0)
        try await waitFor(4)
        let printed = rows()
        #expect(printed.count == 4, "\(printed)")
        #expect(
            printed.dropFirst(2).allSatisfy {
                $0.contains(",ReportGenerated,run:") && $0.hasSuffix(":26") && $0.contains(",sample:more:")
            }, "\(printed)")
        #expect(follower.isRunning, "it follows until stopped")
        follower.terminate()
        try await waitForExit(follower)
        let refused = try await tool.run(["events", "tail", "--follow", "--format", "json", "--data", folder.path])
        #expect(refused.status == 64 || refused.status == 2)
        #expect(refused.stderr.contains("--follow: an array never ends; use --format jsonl"))
    }

    @Test func dataFolderComesFromTheEnvironmentWhenNotGiven() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = try await tool.run(
            ["sample", "--batches", "1"], environment: ["DIALER_LEDGER_DATA": folder.path])
        #expect(outcome.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appending("log/data.mdb")))
    }
}
