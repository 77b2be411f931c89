import DialerCore
import Metrics
import Tracing

/// An `EventStore` that counts what it appends (`dialer_ledger_events_appended_total{type}`, through
/// swift-metrics: whatever backend the program bootstrapped) and the effect outcomes among it
/// (`OutcomeMetrics`), traces each append as a `store append` span, and otherwise is the store it wraps.
/// Drafts answered with an existing sequence (a repeated idempotency key) are not counted.
public struct MeteredEventStore: EventStore {
    /// The counter's name.
    public static let appendedMetric = "dialer_ledger_events_appended_total"
    /// The store written to and read from.
    public let base: any EventStore

    /// Wraps `base`.
    public init(_ base: any EventStore) { self.base = base }

    public func append(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        let results = try await withSpan("store append") { span in
            span.attributes["dialer_ledger.events"] = drafts.count
            return try await base.append(drafts)
        }
        var byType: [String: Int] = [:]
        for (draft, result) in zip(drafts, results) {
            guard case .appended = result else { continue }
            byType[draft.type, default: 0] += 1
            OutcomeMetrics.count(recorded: draft)
        }
        for (type, count) in byType {
            Counter(label: Self.appendedMetric, dimensions: [("type", type)]).increment(by: count)
        }
        return results
    }

    public func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R {
        try await base.withSnapshot(body)
    }

    public func waitForAppends(after seq: UInt64) async throws -> UInt64 {
        try await base.waitForAppends(after: seq)
    }
}
