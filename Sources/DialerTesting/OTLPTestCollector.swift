import DialerCore
import Foundation

/// `tools/otlp-test-collector` on loopback: an OTLP/HTTP endpoint that keeps what each export request
/// brought (path, content type, size, and an OTLP/JSON body).
public final class OTLPTestCollector: Sendable {
    /// One export request.
    public struct Export: Sendable, Equatable {
        public var path: String
        public var contentType: String
        public var size: Int
        /// The body, when it was OTLP/JSON.
        public var body: String?
    }

    public let port: Int
    private let log: String
    private let server: ToolServer

    /// The endpoint to export to (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A collector listening on a free loopback port.
    public init() async throws {
        log = try TemporaryFolder("otlp").appending("exports.jsonl")
        server = try await ToolServer("otlp-test-collector", ["--log", log])
        guard let port = server.ready.first.flatMap({ Int($0) }) else {
            server.stop()
            throw TestServerError(reason: "tools/otlp-test-collector said ready \(server.ready)")
        }
        self.port = port
    }

    /// Every export request so far, oldest first.
    public func exports() throws -> [Export] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return try data.split(separator: 0x0A).map { line in
            let json = try JSONParser.parse(Array(line))
            return Export(
                path: json["path"]?.stringValue ?? "", contentType: json["content_type"]?.stringValue ?? "",
                size: Int(json["size"]?.intValue ?? 0), body: json["body"]?.stringValue)
        }
    }

    /// Stops the collector and removes its log.
    public func stop() {
        let folder = (log as NSString).deletingLastPathComponent
        server.stop { try? FileManager.default.removeItem(atPath: folder) }
    }
}
