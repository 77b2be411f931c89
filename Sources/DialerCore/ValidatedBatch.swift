import Foundation

/// A batch whose drafts have been validated and encoded, ready to be sealed inside a write transaction.
public struct ValidatedBatch: Sendable {
    /// The drafts, prepared in order.
    public let items: [PreparedEvent]

    /// Batches at least this long are prepared on every core.
    public static let parallelThreshold = 1024

    /// Validates every draft before anything is written: one bad draft rejects the batch, and the error
    /// names the first bad draft. Large batches are prepared on every core (preparing, not storing, is
    /// most of an append's work).
    public init(_ drafts: [EventDraft]) throws {
        items = try chunkedMap(count: drafts.count, threshold: Self.parallelThreshold) { range in
            try Self.prepare(drafts[range])
        }
    }

    private static func prepare(_ drafts: ArraySlice<EventDraft>) throws -> [PreparedEvent] {
        var ids = EventIDGenerator()
        var head = CanonicalJSONWriter(capacity: 1024)
        return try drafts.indices.map { position in
            try PreparedEvent(drafts[position], position: position, ids: &ids, scratch: &head)
        }
    }

    /// Seals the batch after `head` at `now` (clamped so recorded time never goes backwards): each item
    /// either takes the next sequence and hash, handed to `record` (item index, link) in order, or names
    /// the event that already holds its idempotency key, which `existingSeq` looks up in the log. Only
    /// the hash chain is computed here, the serial part of an append.
    public func seal(
        after head: LogHead, now: Timestamp, existingSeq: (String) throws -> UInt64?,
        record: (Int, ChainLink) throws -> Void
    ) rethrows -> (results: [AppendResult], head: LogHead) {
        var head = head
        let recordedAt = max(now, head.recordedAt)
        var results: [AppendResult] = []
        results.reserveCapacity(items.count)
        var keysInBatch: [String: UInt64] = [:]
        var tail = CanonicalJSONWriter(capacity: 512)
        var fragment = CanonicalJSONWriter(capacity: 48)
        fragment.writeRaw(",\"recorded_at\":")
        fragment.write(timestamp: recordedAt)
        // Items are borrowed in place: copying one would touch every object it holds.
        try items.withUnsafeBufferPointer { items in
            for index in items.indices {
                if let key = items[index].idempotencyKey {
                    if let seq = try keysInBatch[key] ?? existingSeq(key) {
                        results.append(.existing(seq: seq))
                        continue
                    }
                    keysInBatch[key] = head.seq + 1
                }
                let seq = head.seq + 1
                let hash = items[index].hash(
                    seq: seq, recordedAtFragment: fragment.bytes, prevHash: head.hash, scratch: &tail)
                try record(index, ChainLink(seq: seq, prevHash: head.hash, hash: hash))
                head = LogHead(seq: seq, hash: hash, recordedAt: recordedAt)
                results.append(
                    .appended(AppendedEvent(seq: seq, id: items[index].id, recordedAt: recordedAt, hash: hash)))
            }
        }
        return (results, head)
    }

    /// Seals the batch as `seal(after:now:existingSeq:record:)` does and also returns the envelopes to
    /// store, in order: for stores that keep envelopes as values.
    public func seal(
        after head: LogHead, now: Timestamp, existingSeq: (String) throws -> UInt64?
    ) rethrows -> (results: [AppendResult], appended: [Envelope]) {
        var appended: [Envelope] = []
        let recordedAt = max(now, head.recordedAt)
        let (results, _) = try seal(after: head, now: recordedAt, existingSeq: existingSeq) { index, link in
            appended.append(items[index].envelope(link, recordedAt: recordedAt))
        }
        return (results, appended)
    }
}

/// Where a sealed event sits in the hash chain: all that sealing adds to a prepared event.
public struct ChainLink: Sendable, Hashable {
    /// The event's sequence.
    public let seq: UInt64
    /// The hash of the event before it.
    public let prevHash: SHA256Digest
    /// The event's own hash.
    public let hash: SHA256Digest
}
