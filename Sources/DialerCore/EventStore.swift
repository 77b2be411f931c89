import Foundation

/// The append-only event log as an async port: the LMDB log and the in-memory twin both conform and pass
/// one contract suite. A store does its blocking work where it cannot hold Swift's cooperative threads.
public protocol EventStore: Sendable {
    /// Appends a batch atomically: all of it or none of it. A draft whose idempotency key is already in
    /// the log (or earlier in the batch) is not appended; its result names the existing sequence. A
    /// cancelled task gets `CancellationError` only if the batch was not handed over (nothing written);
    /// once handed over, the append completes and its outcome is returned.
    func append(_ drafts: [EventDraft]) async throws -> [AppendResult]

    /// Runs the synchronous `body` against one consistent snapshot of the log, on the store's own
    /// thread; appends made meanwhile are not seen. The snapshot must not escape `body`. A task cancelled
    /// while its read waits gets `CancellationError`; a read already running finishes.
    func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R

    /// Waits until the log's head is past `seq` and returns it (at once when it already is). Appends made
    /// through this store wake it at once; appends of other processes wake it when the store learns of them
    /// (the LMDB log polls, the PostgreSQL log is notified and catches up periodically). A cancelled task gets
    /// `CancellationError`.
    func waitForAppends(after seq: UInt64) async throws -> UInt64
}

/// A consistent read-only view of the log at one moment, used synchronously inside `withSnapshot`.
public protocol EventSnapshot {
    /// The sequence of the newest event, 0 when the log is empty.
    func lastSequence() throws -> UInt64
    /// The event at `seq`, or nil.
    func envelope(at seq: UInt64) throws -> Envelope?
    /// Visits the events matching `query` in order, read in place; `visit` returns false to stop.
    func scanInPlace(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws
    /// The newest sequence recorded at or before `instant` (0 if none): an as-of point in time.
    func lastSequence(recordedAtOrBefore instant: Timestamp) throws -> UInt64
    /// The sequence of the event carrying idempotency key `key`, or nil.
    func sequence(forIdempotencyKey key: String) throws -> UInt64?
    /// The view named `name` as the store keeps it, or nil when it keeps none (read through `viewRows`).
    func storedView(_ name: String) throws -> StoredView?
}

/// What one draft of an appended batch became.
public enum AppendResult: Sendable, Hashable {
    /// Newly appended here.
    case appended(AppendedEvent)
    /// Not appended: its idempotency key was already in the log at this sequence.
    case existing(seq: UInt64)

    /// The sequence of the event that holds this draft's fact.
    public var seq: UInt64 {
        switch self {
        case .appended(let event): return event.seq
        case .existing(let seq): return seq
        }
    }
}

/// Where a newly appended event landed: its sequence, id, recorded time and hash. The envelope itself is
/// one read away (`EventStore.envelope(at:)`); returning only this keeps a large append from copying
/// every envelope back to its caller.
public struct AppendedEvent: Sendable, Hashable {
    /// The event's sequence.
    public let seq: UInt64
    /// The event's id.
    public let id: UUID
    /// When the log recorded it.
    public let recordedAt: Timestamp
    /// The event's hash.
    public let hash: SHA256Digest

    /// Where `envelope` sits.
    public init(_ envelope: Envelope) {
        self.init(seq: envelope.seq, id: envelope.id, recordedAt: envelope.recordedAt, hash: envelope.hash)
    }

    /// A position with every field given.
    public init(seq: UInt64, id: UUID, recordedAt: Timestamp, hash: SHA256Digest) {
        self.seq = seq
        self.id = id
        self.recordedAt = recordedAt
        self.hash = hash
    }
}

/// Which events to read: a sequence range, optionally one stream or one type, in either direction.
public struct EventQuery: Sendable, Hashable {
    /// Only events of this stream.
    public var stream: String?
    /// Only events of this type.
    public var type: String?
    /// Only events with a sequence greater than this.
    public var afterSeq: UInt64
    /// Only events with a sequence at most this (an as-of point).
    public var throughSeq: UInt64
    /// Newest first instead of oldest first.
    public var newestFirst: Bool
    /// At most this many events.
    public var limit: Int?

    /// A query; with no arguments it reads the whole log oldest first.
    public init(
        stream: String? = nil, type: String? = nil, afterSeq: UInt64 = 0, throughSeq: UInt64 = .max,
        newestFirst: Bool = false, limit: Int? = nil
    ) {
        self.stream = stream
        self.type = type
        self.afterSeq = afterSeq
        self.throughSeq = throughSeq
        self.newestFirst = newestFirst
        self.limit = limit
    }

    /// Whether an event passes the stream and type filters and the sequence range.
    public func matches(seq: UInt64, stream: String, type: String) -> Bool {
        seq > afterSeq && seq <= throughSeq && (self.stream == nil || self.stream == stream)
            && (self.type == nil || self.type == type)
    }
}

extension EventSnapshot {
    /// Visits the events matching `query` in order as owned envelopes; `visit` returns false to stop.
    public func scan(_ query: EventQuery, _ visit: (Envelope) throws -> Bool) throws {
        try scanInPlace(query) { try visit($0.envelope) }
    }
}

extension EventStore {
    /// The sequence of the newest event, 0 when empty.
    public func lastSequence() async throws -> UInt64 { try await withSnapshot { try $0.lastSequence() } }

    /// The events matching `query`, collected in one snapshot (for long scans use `envelopes(_:)`).
    public func events(_ query: EventQuery = EventQuery()) async throws -> [Envelope] {
        try await withSnapshot { snapshot in
            var collected: [Envelope] = []
            try snapshot.scan(query) {
                collected.append($0)
                return true
            }
            return collected
        }
    }

    /// The event at `seq`, or nil.
    public func envelope(at seq: UInt64) async throws -> Envelope? {
        try await withSnapshot { try $0.envelope(at: seq) }
    }

    /// The events matching `query` as an async sequence read in pages of `pageSize`, each page in one
    /// snapshot, for scans too long for one.
    public func envelopes(_ query: EventQuery = EventQuery(), pageSize: Int = 1_000) -> EventPages {
        EventPages(store: self, query: query, pageSize: pageSize)
    }
}
