import DialerCore
import DialerTesting
import Foundation
import Testing

/// `dialer-ledger serve` against slow and odd clients, over real sockets on loopback: half-sent headers,
/// too many connections, a whole oversized body before reading, `CONNECT`, HTTP/0.9, a value that would forge
/// a log line, and a CXone that cannot be reached.
@Suite struct ServeLimitsTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// A data folder whose config sets `server` to `settings`.
    private func folder(server settings: String) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try Data(#"{"server": \#(settings)}"#.utf8).write(to: URL(fileURLWithPath: folder.appending("config.json")))
        return folder
    }

    /// A client on its own thread that sends `request` and reads until the server closes or `wait` passes.
    private func exchange(_ port: Int, _ request: [UInt8], wait: Duration = .seconds(60)) async throws
        -> LoopbackClient.Reply
    {
        try await onOwnThread {
            let client = try LoopbackClient(port: port)
            client.send(request)
            return client.read(wait: wait)
        }
    }

    @Test func clientsThatSendHalfAHeaderAreClosedAndHealthStillAnswers() async throws {
        let folder = try folder(server: #"{"header_timeout": "1s", "max_connections": 4}"#)
        defer { folder.remove() }
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        let half = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
        let replies = try await withThrowingTaskGroup(of: LoopbackClient.Reply.self) { group in
            for _ in 0..<12 { group.addTask { try await exchange(api.port, half) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == 12)
        #expect(replies.allSatisfy { $0.closedByServer && $0.bytes.isEmpty }, "each closed by the server, unanswered")
        #expect(try await api.get("/healthz").status == 200)
        #expect(try await api.stop() == 0)
    }

    @Test func connectionsPastTheCapWaitUntilOneCloses() async throws {
        let folder = try folder(server: #"{"max_connections": 2}"#)
        defer { folder.remove() }
        // Started by hand and polled with connections that close, so no pooled client connection takes a slot.
        let port = try Loopback.freePort()
        let server = try tool.start(
            ["serve", "--data", folder.path, "--port", "\(port)"], environment: ["CXONE_BASE_URL": ""])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let once = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        var attempts = 0
        while attempts < 400,
            (try? await exchange(port, once, wait: .seconds(10)))?.text.hasPrefix("HTTP/1.1 200") != true
        {
            attempts += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        let health = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        // Two kept-alive connections, each answered once, so the server holds both.
        let held = try await onOwnThread {
            try (0..<2).map { _ in
                let client = try LoopbackClient(port: port)
                client.send(health)
                let reply = client.read(wait: .seconds(60), until: LoopbackClient.isWholeAnswer)
                return (client, reply.text.hasPrefix("HTTP/1.1 200"))
            }
        }
        #expect(held.allSatisfy { $0.1 })
        let waiting = try await onOwnThread {
            let client = try LoopbackClient(port: port)
            client.send(health)
            return (client, client.read(wait: .seconds(1), until: LoopbackClient.isWholeAnswer))
        }
        #expect(waiting.1.bytes.isEmpty && !waiting.1.closedByServer, "a third connection is not served")
        held[0].0.close()
        let answered = try await onOwnThread {
            waiting.0.read(wait: .seconds(60), until: LoopbackClient.isWholeAnswer)
        }
        held[1].0.close()
        #expect(answered.text.hasPrefix("HTTP/1.1 200"), "served once a held connection closed: \(answered.text)")
        kill(server.processIdentifier, SIGTERM)
        try await waitForExit(server)
        #expect(server.terminationStatus == 0)
    }

    @Test func aWholeOversizedBodySentBeforeReadingGets413AndTheConnectionEnds() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        let body = [UInt8](repeating: 0x20, count: 5 << 20)
        let head =
            "POST /api/v1/reports/dialer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(ServedAPI.runner)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let reply = try await exchange(api.port, Array(head.utf8) + body)
        #expect(reply.text.hasPrefix("HTTP/1.1 413"), "\(reply.text.prefix(200))")
        #expect(reply.text.lowercased().contains("connection: close"))
        #expect(reply.closedByServer, "the server ends the connection after the answer")
        #expect(try await api.stop() == 0)
    }

    @Test func connectIsRefusedAndHTTP09IsClosed() async throws {
        let folder = try folder(server: #"{"header_timeout": "1s"}"#)
        defer { folder.remove() }
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        let tunnel = try await exchange(
            api.port, Array("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".utf8))
        #expect(tunnel.text.hasPrefix("HTTP/1.1 405"), "\(tunnel.text)")
        #expect(tunnel.closedByServer)
        let ancient = try await exchange(api.port, Array("GET /healthz\r\n".utf8))
        #expect(ancient.closedByServer)
        #expect(try await api.get("/healthz").status == 200)
        #expect(try await api.stop() == 0)
    }

    @Test func aRequestValueCannotForgeALogLine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let stderr = folder.appending("serve.err")
        let api = try await ServedAPI(tool: tool, folder: folder, standardError: stderr)
        defer { api.killIfRunning() }
        let body =
            #"{"campaign_ids":["a\r\nX-Evil: 1"],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#
        #expect(try await api.post("/api/v1/reports/dialer", body, key: ServedAPI.runner).status == 422)
        #expect(try await api.stop() == 0)
        let log = try String(contentsOfFile: stderr, encoding: .utf8)
        #expect(log.contains(#"a\r\nX-Evil: 1"#), "the id is logged, escaped: \(log)")
        #expect(!log.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("X-Evil") }, "\(log)")
    }

    @Test func readinessAnswersPromptlyWhenCXoneCannotBeReached() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let closed = try Loopback.freePort()
        let api = try await ServedAPI(
            tool: tool, folder: folder,
            environment: [
                "CXONE_BASE_URL": "http://127.0.0.1:\(closed)", "CXONE_CLIENT_ID": "id",
                "CXONE_CLIENT_SECRET": "secret",
            ])
        defer { api.killIfRunning() }
        // The whole retry policy would take far longer than this client waits.
        for _ in 0..<2 {
            let ready = try await api.get("/readyz", timeout: .seconds(5))
            #expect(ready.status == 503)
            #expect(ready.json["status"]?.stringValue == "not_ready")
            #expect(ready.json["checks"]?["cxone_token"]?["ok"] == .bool(false))
            #expect(ready.json["checks"]?["cxone_token"]?["detail"]?.stringValue?.contains("token endpoint") == true)
            #expect(ready.json["checks"]?["log"]?["ok"] == .bool(true))
        }
        #expect(try await api.stop() == 0)
    }

    @Test(arguments: [
        ["serve", "--port", "0"],
        ["report", "run", "--campaigns", "CAMPAIGN_001", "--from", "2026-11-29", "--to", "2026-11-30", "--out", "-"],
    ])
    func aClosedPipeEndsTheCommandQuietly(command: [String]) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ended = try await onOwnThread {
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool.executable)
            process.arguments = command + ["--data", folder.path]
            process.environment = ProcessInfo.processInfo.environment.merging(["CXONE_BASE_URL": ""]) { $1 }
            process.standardOutput = pipe.fileHandleForWriting
            process.standardError = pipe.fileHandleForWriting
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return (process.terminationReason, process.terminationStatus)
        }
        let quiet =
            (ended.0 == .uncaughtSignal && ended.1 == SIGPIPE) || (ended.0 == .exit && ended.1 == 0)
        #expect(quiet, "ended by \(ended.0 == .exit ? "exit" : "signal") \(ended.1)")
    }

    @Test func versionIsPrinted() async throws {
        let run = try await tool.run(["--version"])
        #expect(run.status == 0 && run.stdout == BuildInfo.version + "\n")
    }
}
