import DialerCore
import DialerTesting
import Foundation
import Testing

/// Several processes on one PostgreSQL log (`DIALER_LEDGER_TEST_POSTGRES`, which `tools/test` starts): two
/// `serve` instances with one `@every 5s` job run each tick once and stream each other's events, and a writer
/// killed mid-transaction leaves the log whole and the head free.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["DIALER_LEDGER_TEST_POSTGRES"] != nil))
struct ServeInstancesTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// A new database on the test server with an initialised log; its `postgres://` URL.
    private func newStore() async throws -> String {
        let server = try #require(ProcessInfo.processInfo.environment["DIALER_LEDGER_TEST_POSTGRES"])
        let name = "instances_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = try await CommandLineTool.runAny(
            "/usr/bin/psql", [server, "-q", "-c", "CREATE DATABASE \(name)"])
        #expect(created.status == 0, "\(created.stderr)")
        let store = String(server[..<(server.lastIndex(of: "/") ?? server.endIndex)]) + "/\(name)"
        let initialised = try await tool.run(["log", "init", "--store", store])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        return store
    }

    /// The log's events of `type`, as their payloads, through the CLI.
    private func payloads(_ store: String, type: String) async throws -> [JSONValue] {
        let listed = try await tool.run(["events", "list", "--store", store, "--type", type])
        #expect(listed.status == 0, "\(listed.stderr)")
        return try listed.lines.map { try JSONParser.parse(Array($0.utf8))["payload"] ?? .null }
    }

    @Test func twoServeInstancesRunEachTickOnceAndStreamEachOthersEvents() async throws {
        let store = try await newStore()
        let config = #"{"jobs": [{"id": "every-5s", "cron": "@every 5s", "campaigns": ["CAMPAIGN_001"]}]}"#
        let folders = try (0..<2).map { _ in try TemporaryFolder() }
        defer { for folder in folders { folder.remove() } }
        var instances: [ServedAPI] = []
        defer { for instance in instances { instance.killIfRunning() } }
        for folder in folders {
            try Data(config.utf8).write(to: URL(fileURLWithPath: folder.appending("config.json")))
            instances.append(
                try await ServedAPI(tool: tool, folder: folder, environment: ["DIALER_LEDGER_STORE": store]))
        }
        // An ad-hoc run on the second instance reaches a stream open on the first.
        let streamURL = instances[0].root + "/api/v1/events/stream?type=ReportRunStarted"
        let listening = Gate()
        async let streamed = EventStreamAPITests.read(streamURL, opened: listening) { messages in
            messages.contains { $0.data?.contains(#""trigger":"adhoc""#) == true }
        }
        #expect(try await eventually { listening.isOpen })
        let body =
            #"{"campaign_ids":["CAMPAIGN_001"],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#
        let run = try await instances[1].post("/api/v1/reports/dialer", body, key: ServedAPI.runner)
        #expect(run.status == 200, "\(run.body)")
        #expect(try await streamed.messages.contains { $0.event == ReportEvent.runStarted })

        // Both instances tick; wait until four ticks ran, then stop both.
        let ticked = try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) {
            try await payloads(store, type: CronTickHandled.storedType).count >= 4
        }
        #expect(ticked, "four ticks were not handled within 60 s")
        for instance in instances { #expect(try await instance.stop() == 0) }
        let ticks = try await payloads(store, type: CronTickHandled.storedType)
        let scheduled = ticks.compactMap { $0["scheduled_at"]?.stringValue }
        #expect(Set(scheduled).count == scheduled.count, "a tick recorded twice: \(scheduled)")
        // A tick that came while the other instance's run still ran is skipped (never run twice).
        let ran = ticks.filter { $0["outcome"]?.stringValue == "run" }.compactMap { $0["scheduled_at"]?.stringValue }
        #expect(ran.count >= 3, "\(ticks)")
        let cronRuns = try await payloads(store, type: ReportEvent.runStarted).filter {
            $0["trigger"]?.stringValue == "cron"
        }
        #expect(
            cronRuns.compactMap { $0["scheduled_at"]?.stringValue }.sorted() == ran.sorted(), "one run per tick run")
    }

    @Test func aWriterKilledMidTransactionLeavesAWholeChainAndTheHeadFree() async throws {
        let store = try await newStore()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for round in 0..<3 {
            let before = try await payloads(store, type: "ReportRunStarted").count
            let writer = try tool.start([
                "sample", "--store", store, "--data", folder.path, "--tag", "kill\(round)", "--batches", "1000000",
                "--batch-size", "200",
            ])
            _ = try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
                try await payloads(store, type: "ReportRunStarted").count > before || !writer.isRunning
            }
            kill(writer.processIdentifier, SIGKILL)
            try await waitForExit(writer)
            #expect(writer.terminationReason == .uncaughtSignal, "round \(round): the writer ended before the kill")
        }
        // The server rolled back the killed transactions: the head is free, the sequence gap-free, the chain
        // whole, and every batch all there or not at all.
        let after = try await tool.run([
            "sample", "--store", store, "--data", folder.path, "--tag", "after", "--batches", "1", "--batch-size",
            "200",
        ])
        #expect(after.status == 0, "\(after.stderr)")
        let listed = try await tool.run(["events", "list", "--store", store])
        let events = try listed.lines.map { try JSONParser.parse(Array($0.utf8)) }
        #expect(events.map { $0["seq"]?.intValue ?? 0 } == Array(1...Int64(events.count)), "gap-free")
        for (previous, next) in zip(events, events.dropFirst()) {
            #expect(next["prev_hash"] == previous["hash"], "the chain breaks at seq \(next["seq"] ?? .null)")
        }
        let batches = Dictionary(grouping: events) { $0["correlation_id"]?.stringValue ?? "" }
        #expect(batches.values.allSatisfy { $0.count == 200 }, "a partial batch")
    }
}
