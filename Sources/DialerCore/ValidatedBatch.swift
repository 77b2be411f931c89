import Foundation

/// A batch whose drafts have been validated and encoded, ready to be sealed inside a write transaction.
public struct ValidatedBatch: Sendable {
    /// The drafts, prepared in order.
    public let items: [PreparedEvent]

    /// Batches at least this long are prepared on every core.
    static let parallelThreshold = 1024

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

    /// Seals the batch after `head` at `now` (clamped so recorded time never goes backwards).
    /// `existingSeq` looks an idempotency key up in the log. Returns each draft's result and the
    /// envelopes to store, in order.
    public func seal(
        after head: LogHead, now: Timestamp, existingSeq: (String) throws -> UInt64?
    ) rethrows -> (results: [AppendResult], appended: [Envelope]) {
        var head = head
        let recordedAt = max(now, head.recordedAt)
        var results: [AppendResult] = []
        var appended: [Envelope] = []
        var keysInBatch: [String: UInt64] = [:]
        var tail = CanonicalJSONWriter(capacity: 512)
        var fragment = CanonicalJSONWriter(capacity: 48)
        fragment.writeRaw(",\"recorded_at\":")
        fragment.write(timestamp: recordedAt)
        results.reserveCapacity(items.count)
        appended.reserveCapacity(items.count)
        for item in items {
            if let key = item.draft.idempotencyKey {
                if let seq = try keysInBatch[key] ?? existingSeq(key) {
                    results.append(.existing(seq: seq))
                    continue
                }
                keysInBatch[key] = head.seq + 1
            }
            let envelope = item.sealed(
                seq: head.seq + 1, recordedAt: recordedAt, recordedAtFragment: fragment.bytes, prevHash: head.hash,
                scratch: &tail)
            head = LogHead(after: envelope)
            appended.append(envelope)
            results.append(.appended(envelope))
        }
        return (results, appended)
    }
}
