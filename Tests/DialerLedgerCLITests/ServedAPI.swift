import AsyncHTTPClient
import DialerCore
import DialerTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

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

    /// Starts `serve --data folder` (the embedded simulator unless `environment` says otherwise; its standard
    /// error to the file `standardError` when given) and waits until `/healthz` answers (the read key is sent,
    /// in case the config closes it).
    init(
        tool: CommandLineTool, folder: TemporaryFolder, environment: [String: String] = [:],
        standardError: String? = nil
    ) async throws {
        port = try Loopback.freePort()
        process = try tool.start(
            ["serve", "--data", folder.path, "--port", "\(port)"],
            environment: ["CXONE_BASE_URL": "", "DIALER_LEDGER_API_KEYS": Self.keys].merging(environment) { $1 },
            standardError: standardError)
        var attempts = 0
        while attempts < 400, (try? await get("/healthz", key: Self.reader).status) != 200 {
            attempts += 1
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `GET path` (under `root`), with `key` as the bearer token and `accept` as `Accept` when given, waiting
    /// at most `timeout`.
    func get(_ path: String, key: String? = nil, accept: String? = nil, timeout: Duration = .seconds(30)) async throws
        -> Answer
    {
        try await exchange(.GET, path, key: key, accept: accept, timeout: timeout)
    }

    /// `POST path` with a JSON `body`.
    func post(_ path: String, _ body: String, key: String?) async throws -> Answer {
        try await exchange(.POST, path, body: body, key: key)
    }

    private func exchange(
        _ method: HTTPMethod, _ path: String, body: String? = nil, key: String?, accept: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: root + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(
            request, timeout: .milliseconds(Int64(timeout.components.seconds * 1000)))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let answer = Answer(
            status: response.status.code, body: String(buffer: bytes),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first })
        try Self.capture(method: method.rawValue, path: path, answer)
        return answer
    }

    /// Appends the exchange to `$DIALER_LEDGER_API_CAPTURE/PID.jsonl` when that folder is set: `tools/test`
    /// sets it and then checks every captured response against `Schemas/openapi.yaml`
    /// (`tools/check-api-responses`).
    private static func capture(method: String, path: String, _ answer: Answer) throws {
        guard let folder = ProcessInfo.processInfo.environment["DIALER_LEDGER_API_CAPTURE"], !folder.isEmpty else {
            return
        }
        let line: JSONValue = [
            "method": .string(method), "path": .string(path), "status": .int(Int64(answer.status)),
            "content_type": answer.headers["content-type"].map(JSONValue.string) ?? .null, "body": .string(answer.body),
        ]
        let file = "\(folder)/\(ProcessInfo.processInfo.processIdentifier).jsonl"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        captureLock.withLock { _ in
            if !FileManager.default.fileExists(atPath: file) {
                _ = FileManager.default.createFile(atPath: file, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: file) else { return }
            defer { try? handle.close() }
            handle.seekToEndOfFile()
            handle.write(Data(((try? CanonicalJSON(line).bytes) ?? []) + [0x0A]))
        }
    }

    private static let captureLock = Mutex(())

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    func stop() async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        try await waitForExit(process)
        return process.terminationStatus
    }

    /// Kills the server if a test left it running.
    func killIfRunning() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
