import Foundation
import Synchronization

/// The in-memory twin of the LMDB log: same contract, for unit tests of pure logic and for projectors. Its
/// work is a short lock and a copy, so it runs on the caller's task. It maintains the catalogue's views
/// as the LMDB log does: their rows change with the events, under the same lock.
public final class InMemoryEventStore: EventStore {
    private struct Log {
        var events: [Envelope] = []
        /// Each view's rows by name, always folded through the last event.
        var views: [String: [[UInt8]: [UInt8]]] = [:]
    }

    private let state = Mutex(Log())
    private let clock: @Sendable () -> Timestamp

    /// An empty store that stamps events with `clock`.
    public init(clock: @escaping @Sendable () -> Timestamp) { self.clock = clock }

    public func append(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        try Task.checkCancellation()
        let batch = try ValidatedBatch(drafts)
        return try state.withLock { log in
            let head = log.events.last.map(LogHead.init(after:)) ?? .empty
            let sealed = batch.seal(after: head, now: clock()) { key in
                log.events.first { $0.idempotencyKey == key }?.seq
            }
            var views = log.views
            for projector in ViewCatalog.all
            where sealed.appended.contains(where: { projector.types.contains($0.type) }) {
                let rows = OverlayRows(entries: views[projector.name] ?? [:])
                for event in sealed.appended { try event.withView { try projector.fold($0, into: rows) } }
                views[projector.name] = rows.entries
            }
            log.events.append(contentsOf: sealed.appended)
            log.views = views
            return sealed.results
        }
    }

    public func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R {
        try Task.checkCancellation()
        let log = state.withLock { $0 }
        return try body(Snapshot(events: log.events, views: log.views))
    }

    private struct Snapshot: EventSnapshot {
        let events: [Envelope]
        let views: [String: [[UInt8]: [UInt8]]]

        func storedView(_ name: String) -> StoredView? {
            guard let projector = ViewCatalog.projector(named: name) else { return nil }
            return StoredView(
                version: projector.version, checkpoint: lastSequence(), rows: OverlayRows(entries: views[name] ?? [:]))
        }

        func lastSequence() -> UInt64 { events.last?.seq ?? 0 }

        func envelope(at seq: UInt64) -> Envelope? {
            seq >= 1 && seq <= events.count ? events[Int(seq - 1)] : nil
        }

        func scanInPlace(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws {
            var remaining = query.limit ?? Int.max
            let ordered: any Sequence<Envelope> = query.newestFirst ? AnySequence(events.reversed()) : events
            for e in ordered where remaining > 0 && query.matches(seq: e.seq, stream: e.stream, type: e.type) {
                remaining -= 1
                guard try e.withView(visit) else { return }
            }
        }

        func lastSequence(recordedAtOrBefore instant: Timestamp) -> UInt64 {
            events.last { $0.recordedAt <= instant }?.seq ?? 0
        }

        func sequence(forIdempotencyKey key: String) -> UInt64? {
            events.first { $0.idempotencyKey == key }?.seq
        }
    }
}
