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
            let (result, verdict) = try await EffectSpan.run("webhook", key: id) { [attempt] effect in
                effect.note("attempt", attempt)
                let result = try await sender.attempt(url: url, id: id, body: body, secret: secret)
                try await record(
                    WebhookAttempted(
                        deliveryID: id, attempt: attempt, url: WebhookSender.redacted(url), bodySHA256: bodySHA,
                        durationMilliseconds: result.duration.milliseconds, status: result.status, error: result.error),
                    stream, correlation)
                if let status = result.status { effect.span.attributes["http.response.status_code"] = status }
                let verdict = schedule.verdict(
                    attempt: attempt, status: result.status, retryAfter: result.retryAfter, random: random)
                switch verdict {
                case .delivered: effect.ended("delivered")
                case .abandon(let reason): effect.ended("abandoned", failure: reason)
                case .retry: effect.ended("retry", failure: result.status.map { "status \($0)" } ?? result.error)
                }
                return (result, verdict)
            }
            switch verdict {
            case .delivered:
                try await record(
                    WebhookDelivered(deliveryID: id, attempts: attempt, status: result.status ?? 0), stream,
                    correlation)
                logger.info("webhook delivered", metadata: ["delivery_id": "\(id)", "attempts": "\(attempt)"])
                return Outcome(delivered: true, attempts: attempt, reason: nil)
            case .abandon(let reason):
                try await record(
                    WebhookAbandoned(deliveryID: id, attempts: attempt, reason: reason), stream, correlation)
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

    private func record(_ event: some RecordedEvent, _ stream: String, _ correlation: UUID?) async throws {
        _ = try await store.append([EventDraft(event, stream: stream, correlationID: correlation)])
    }
}
