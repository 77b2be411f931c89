import Foundation

/// A batch whose drafts have been validated and encoded, ready to be sealed inside a write transaction.
public struct ValidatedBatch: Sendable {
    /// The drafts, prepared in order.
    public let items: [PreparedEvent]

    /// Validates every draft before anything is written, drawing new ids from `ids`: one bad draft rejects
    /// the batch, and the error names the first bad draft.
    public init(_ drafts: [EventDraft], ids: inout EventIDGenerator) throws {
        var items: [PreparedEvent] = []
        items.reserveCapacity(drafts.count)
        try PreparedEvent.prepare(drafts[...], ids: &ids) { items.append($0) }
        self.items = items
    }

    /// Seals the batch after `head` at `now` (clamped so recorded time never goes backwards), looking up
    /// idempotency keys already in the log with `existingSeq`, and returns the envelopes to store, in
    /// order: for stores that keep envelopes as values.
    public func seal(
        after head: LogHead, now: Timestamp, existingSeq: (String) throws -> UInt64?
    ) rethrows -> (results: [AppendResult], appended: [Envelope]) {
        var sealer = ChainSealer(after: head, now: now, count: items.count)
        var appended: [Envelope] = []
        for item in items {
            let link = try item.tailSuffix.withUnsafeBytes { suffix in
                try sealer.seal(
                    id: item.id, idempotencyKey: item.idempotencyKey, headHash: item.headHash, suffix: suffix,
                    existingSeq: existingSeq)
            }
            if let link { appended.append(item.envelope(link, recordedAt: sealer.recordedAt)) }
        }
        return (sealer.results, appended)
    }
}
