import Foundation

/// The in-memory twin of the LMDB log: same contract, for unit tests of pure logic and for projectors. An
/// actor (the core starts no threads and takes no locks); its work is short and runs on the caller's pool.
/// It maintains the catalogue's views as the LMDB log does: their rows change with the events, atomically.
public actor InMemoryEventStore: EventStore {
    private var events: [Envelope] = []
    /// Each view's rows by name, always folded through the last event.
    private var views: [String: [[UInt8]: [UInt8]]] = [:]
    private var ids: EventIDGenerator
    private let clock: @Sendable () -> Timestamp
    private let watch = AppendWatch()

    /// An empty store that stamps events with `clock` and draws new event ids from a generator seeded with
    /// `idSeed` (the core draws no random value of its own; ids need to be unique in the log, not secret).
    public init(clock: @escaping @Sendable () -> Timestamp, idSeed: UInt64 = 0) {
        self.clock = clock
        var seeds = SplitMix64(seed: idSeed)
        ids = EventIDGenerator(seededBy: &seeds)
    }

    public func append(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        try Task.checkCancellation()
        let batch = try ValidatedBatch(drafts, ids: &ids)
        let head = events.last.map(LogHead.init(after:)) ?? .empty
        let sealed = batch.seal(after: head, now: clock()) { key in
            events.first { $0.idempotencyKey == key }?.seq
        }
        var folded = views
        for projector in ViewCatalog.all
        where sealed.appended.contains(where: { projector.types.contains($0.type) }) {
            let rows = OverlayRows(entries: folded[projector.name] ?? [:])
            for event in sealed.appended { try event.withView { try projector.fold($0, into: rows) } }
            folded[projector.name] = rows.entries
        }
        events.append(contentsOf: sealed.appended)
        views = folded
        if let last = sealed.appended.last { await watch.advance(to: last.seq) }
        return sealed.results
    }

    /// Only this store appends to its log, so the watch always knows its head.
    public nonisolated func waitForAppends(after seq: UInt64) async throws -> UInt64 {
        try await watch.wait(after: seq)
    }

    public func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R {
        try Task.checkCancellation()
        return try body(Snapshot(events: events, views: views))
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
