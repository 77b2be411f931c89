import AsyncHTTPClient
import DialerCore
import DialerTesting
import Foundation
import NIOCore
import NIOHTTP1

/// `dialer-ledger serve` over a data folder on a free loopback port, with a read key and a run key, and the
/// HTTP exchanges the API tests make with it.
struct ServedAPI {
    /// The read key's secret.
    static let reader = "reader-secret-0123456789"
    /// The run key's secret.
    static let runner = "runner-secret-0123456789"
    /// `DIALER_LEDGER_API_KEYS` for the two.
    static let keys = "dash:read:\(reader),ops:run:\(runner)"

    /// One answer.
    struct Answer {
        var status: UInt
        var body: String
        var headers: [String: String]
        /// The body as JSON (`.null` when it is not).
        var json: JSONValue { (try? JSONParser.parse(Array(body.utf8))) ?? .null }
    }

    let port: Int
    let process: Process
    /// `http://127.0.0.1:PORT`.
    var root: String { "http://127.0.0.1:\(port)" }

    /// Starts `serve --data folder` (the embedded simulator unless `environment` says otherwise) and waits
    /// until `/healthz` answers (the read key is sent, in case the config closes it).
    init(tool: CommandLineTool, folder: TemporaryFolder, environment: [String: String] = [:]) async throws {
        port = try Loopback.freePort()
        process = try tool.start(
            ["serve", "--data", folder.path, "--port", "\(port)"],
            environment: ["CXONE_BASE_URL": "", "DIALER_LEDGER_API_KEYS": Self.keys].merging(environment) { $1 })
        for _ in 0..<400 where (try? await get("/healthz", key: Self.reader).status) != 200 {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `GET path` (under `root`), with `key` as the bearer token when given.
    func get(_ path: String, key: String? = nil) async throws -> Answer {
        try await exchange(.GET, path, key: key)
    }

    /// `POST path` with a JSON `body`.
    func post(_ path: String, _ body: String, key: String?) async throws -> Answer {
        try await exchange(.POST, path, body: body, key: key)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: String? = nil, key: String?) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: root + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Answer(
            status: response.status.code, body: String(buffer: bytes),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first })
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    func stop() async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Kills the server if a test left it running.
    func killIfRunning() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
