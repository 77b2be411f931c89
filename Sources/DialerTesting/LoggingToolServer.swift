import DialerCore
import Foundation

/// A test server from `tools/` that takes `--log FILE` and appends one JSON object per request to it, in a
/// temporary folder of its own; its port is the first word after `ready`.
final class LoggingToolServer: Sendable {
    let port: Int
    private let log: String
    private let server: ToolServer

    /// Starts `tools/NAME` with `arguments` and a log in a new temporary folder named after `prefix`.
    init(_ name: String, prefix: String, _ arguments: [String] = []) async throws {
        log = try TemporaryFolder(prefix).appending("requests.jsonl")
        server = try await ToolServer(name, ["--log", log] + arguments)
        guard let port = server.ready.first.flatMap({ Int($0) }) else {
            server.stop()
            throw TestServerError(reason: "tools/\(name) said ready \(server.ready)")
        }
        self.port = port
    }

    /// Every request logged so far, oldest first.
    func requests() throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return try data.split(separator: 0x0A).map { try JSONParser.parse(Array($0)) }
    }

    /// Stops the server and removes its log.
    func stop() {
        let folder = (log as NSString).deletingLastPathComponent
        server.stop { try? FileManager.default.removeItem(atPath: folder) }
    }
}
