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

    private let server: LoggingToolServer

    /// The port it listens on.
    public var port: Int { server.port }
    /// The endpoint to export to (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A collector listening on a free loopback port.
    public init() async throws {
        server = try await LoggingToolServer("otlp-test-collector", prefix: "otlp")
    }

    /// Every export request so far, oldest first.
    public func exports() throws -> [Export] {
        try server.requests().map { json in
            Export(
                path: json["path"]?.stringValue ?? "", contentType: json["content_type"]?.stringValue ?? "",
                size: Int(json["size"]?.intValue ?? 0), body: json["body"]?.stringValue)
        }
    }

    /// Stops the collector and removes its log.
    public func stop() { server.stop() }
}
