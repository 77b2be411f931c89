import Delivery
import DialerCore
import Foundation
import Logging

/// Delivers one webhook with retries, recording every attempt (`WebhookAttempted`: attempt, status or error,
/// duration, the body's SHA-256) and the end (`WebhookDelivered` or `WebhookAbandoned`) in `stream`.
public struct WebhookDeliverer: Sendable {
    let store: any EventStore
    let sender: WebhookSender
    let schedule: WebhookRetrySchedule
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double
    let logger: Logger
    /// Hears one line per failed attempt, for a person watching (`schedule run` prints them).
    let progress: @Sendable (String) -> Void

    /// A deliverer recording to `store`, sending with `sender`, retrying on `schedule`.
    public init(
        store: any EventStore, sender: WebhookSender, schedule: WebhookRetrySchedule = .standard,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "dialer-ledger.webhooks"),
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.sender = sender
        self.schedule = schedule
        self.sleep = sleep
        self.random = random
        self.logger = logger
        self.progress = progress
    }

    /// How a delivery ended.
    public struct Outcome: Sendable, Equatable {
        public var delivered: Bool
        public var attempts: Int
        public var reason: String?
    }

    /// Sends `body` to `url` as delivery `id` until it is delivered or the schedule gives up; attempts are
    /// numbered from `firstAttempt`, and the schedule goes on from there (a resumed delivery does not start
    /// its retries over).
    public func deliver(
        id: String, url: String, body: [UInt8], secret: WebhookSecret, stream: String, correlation: UUID?,
        firstAttempt: Int = 1
    ) async throws -> Outcome {
        let bodySHA = SHA256Digest.of(body)
        var attempt = firstAttempt
        while true {
            let result = try await sender.attempt(url: url, id: id, body: body, secret: secret)
            var fields: [String: JSONValue] = [
                "delivery_id": .string(id), "attempt": .int(Int64(attempt)),
                "url": .string(WebhookSender.redacted(url)),
                "body_sha256": .string(bodySHA.hex), "duration_ms": .int(result.duration.milliseconds),
                "status": result.status.map { .int(Int64($0)) } ?? .null,
            ]
            if let error = result.error { fields["error"] = .string(error) }
            try await record(ScheduleEvent.webhookAttempted, .object(fields), stream, correlation)
            let verdict = schedule.verdict(
                attempt: attempt, status: result.status,
                retryAfter: result.retryAfter, random: random)
            switch verdict {
            case .delivered:
                try await record(
                    ScheduleEvent.webhookDelivered,
                    [
                        "delivery_id": .string(id), "attempts": .int(Int64(attempt)),
                        "status": .int(Int64(result.status ?? 0)),
                    ],
                    stream, correlation)
                logger.info("webhook delivered", metadata: ["delivery_id": "\(id)", "attempts": "\(attempt)"])
                return Outcome(delivered: true, attempts: attempt, reason: nil)
            case .abandon(let reason):
                try await record(
                    ScheduleEvent.webhookAbandoned,
                    ["delivery_id": .string(id), "attempts": .int(Int64(attempt)), "reason": .string(reason)],
                    stream, correlation)
                logger.error("webhook abandoned", metadata: ["delivery_id": "\(id)", "reason": "\(reason)"])
                return Outcome(delivered: false, attempts: attempt, reason: reason)
            case .retry(let delay):
                let answer = result.status.map(String.init) ?? result.error ?? "no answer"
                progress("webhook \(id) attempt \(attempt): \(answer); next in \(delay.compactDescription)")
                logger.warning(
                    "webhook attempt failed; retrying",
                    metadata: [
                        "delivery_id": "\(id)", "attempt": "\(attempt)",
                        "status": "\(result.status.map(String.init) ?? result.error ?? "")", "retry_in": "\(delay)",
                    ])
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    private func record(_ type: String, _ payload: JSONValue, _ stream: String, _ correlation: UUID?) async throws {
        _ = try await store.append([
            EventDraft(type: type, stream: stream, payload: payload, correlationID: correlation)
        ])
    }
}
