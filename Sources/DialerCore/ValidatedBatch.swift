import Foundation

/// A batch whose drafts have been validated and encoded, ready to be sealed inside a write transaction.
public struct ValidatedBatch: Sendable {
    /// The drafts in NFC with their canonical payloads and ids.
    public let items: [(draft: EventDraft, payload: CanonicalJSON, id: UUID)]

    /// Validates every draft before anything is written: one bad draft rejects the batch.
    public init(_ drafts: [EventDraft]) throws {
        var ids = EventIDGenerator()
        items = try drafts.enumerated().map { position, draft in
            let (valid, payload) = try draft.validated(position: position)
            return (valid, payload, draft.id ?? ids.next())
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
            let envelope = Envelope.sealing(
                item.draft, seq: head.seq + 1, id: item.id, recordedAt: recordedAt, payload: item.payload,
                prevHash: head.hash)
            head = LogHead(after: envelope)
            appended.append(envelope)
            results.append(.appended(envelope))
        }
        return (results, appended)
    }
}
