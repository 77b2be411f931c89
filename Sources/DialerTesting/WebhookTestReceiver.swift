import DialerCore
import Foundation

/// `tools/webhook-test-receiver` on loopback: checks each delivery's signature with the `standardwebhooks`
/// package and can fail the first deliveries.
public final class WebhookTestReceiver: Sendable {
    /// What it received: the delivery id and timestamp headers, whether the signature verified, what it
    /// answered, and the body.
    public struct Delivery: Sendable, Equatable {
        public var id: String?
        public var timestamp: String?
        public var verified: Bool
        public var status: Int
        public var body: String
    }

    public let port: Int
    private let log: String
    private let server: ToolServer

    /// The URL to deliver to.
    public var url: String { "http://127.0.0.1:\(port)/hooks/campaigns" }

    /// A receiver trusting `secret` that answers `failStatus` (with `Retry-After: retryAfter`) to the first
    /// `fail` deliveries that verify, and 204 after.
    public init(secret: String, fail: Int = 0, failStatus: Int = 503, retryAfter: String? = nil) async throws {
        log = try TemporaryFolder("webhooks").appending("deliveries.jsonl")
        var arguments = ["--secret", secret, "--log", log, "--fail", String(fail), "--fail-status", String(failStatus)]
        if let retryAfter { arguments += ["--retry-after", retryAfter] }
        server = try await ToolServer("webhook-test-receiver", arguments)
        guard let port = server.ready.first.flatMap({ Int($0) }) else {
            server.stop()
            throw TestServerError(reason: "tools/webhook-test-receiver said ready \(server.ready)")
        }
        self.port = port
    }

    /// Every request so far, oldest first.
    public func deliveries() throws -> [Delivery] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return try data.split(separator: 0x0A).map { line in
            let json = try JSONParser.parse(Array(line))
            return Delivery(
                id: json["id"]?.stringValue, timestamp: json["timestamp"]?.stringValue,
                verified: json["verified"] == .bool(true), status: Int(json["status"]?.intValue ?? 0),
                body: json["body"]?.stringValue ?? "")
        }
    }

    /// Stops the receiver and removes its log.
    public func stop() {
        let folder = (log as NSString).deletingLastPathComponent
        server.stop { try? FileManager.default.removeItem(atPath: folder) }
    }
}
