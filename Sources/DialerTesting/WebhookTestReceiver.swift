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

    private let server: LoggingToolServer

    /// The port it listens on.
    public var port: Int { server.port }
    /// The URL to deliver to.
    public var url: String { "http://127.0.0.1:\(port)/hooks/campaigns" }

    /// A receiver trusting `secret` that answers `failStatus` (with `Retry-After: retryAfter`) to the first
    /// `fail` deliveries that verify, and 204 after.
    public init(secret: String, fail: Int = 0, failStatus: Int = 503, retryAfter: String? = nil) async throws {
        var arguments = ["--secret", secret, "--fail", String(fail), "--fail-status", String(failStatus)]
        if let retryAfter { arguments += ["--retry-after", retryAfter] }
        server = try await LoggingToolServer("webhook-test-receiver", prefix: "webhooks", arguments)
    }

    /// Every request so far, oldest first.
    public func deliveries() throws -> [Delivery] {
        try server.requests().map { json in
            Delivery(
                id: json["id"]?.stringValue, timestamp: json["timestamp"]?.stringValue,
                verified: json["verified"] == .bool(true), status: Int(json["status"]?.intValue ?? 0),
                body: json["body"]?.stringValue ?? "")
        }
    }

    /// Stops the receiver and removes its log.
    public func stop() { server.stop() }
}
