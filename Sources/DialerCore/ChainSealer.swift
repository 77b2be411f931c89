import Foundation

/// Seals a batch's events one at a time after the log's head, inside the write transaction: gives each
/// the next sequence, or the event that already holds its idempotency key, and extends the hash chain.
/// This is the serial part of every append, shared by every store.
public struct ChainSealer {
    /// The head after the events sealed so far.
    public private(set) var head: LogHead
    /// The time every event of the batch is recorded at (never before the head's).
    public let recordedAt: Timestamp
    /// One result per event sealed so far, in order.
    public private(set) var results: [AppendResult] = []
    private var keysInBatch: [String: UInt64] = [:]
    private var tail = CanonicalJSONWriter(capacity: 512)
    /// `,"recorded_at":…`, the same for the whole batch.
    private let recordedAtFragment: [UInt8]

    /// A sealer for `count` events after `head`, recorded at `now` (clamped so recorded time never goes
    /// backwards).
    public init(after head: LogHead, now: Timestamp, count: Int) {
        self.head = head
        recordedAt = max(now, head.recordedAt)
        results.reserveCapacity(count)
        var fragment = CanonicalJSONWriter(capacity: 48)
        fragment.writeRaw(",\"recorded_at\":")
        fragment.write(timestamp: recordedAt)
        recordedAtFragment = fragment.bytes
    }

    /// Seals the next event, whose canonical envelope hashes to `headHash` up to `prev_hash` and ends with
    /// `suffix` (`,"stream":…}`). Returns its place in the chain, or nil when its idempotency key is held
    /// by an earlier event of this batch or by the event `existingSeq` finds in the log.
    public mutating func seal(
        id: UUID, idempotencyKey: String?, headHash: SHA256Hasher, suffix: UnsafeRawBufferPointer,
        existingSeq: (String) throws -> UInt64?
    ) rethrows -> ChainLink? {
        let seq = head.seq + 1
        if let key = idempotencyKey {
            if let existing = try keysInBatch[key] ?? existingSeq(key) {
                results.append(.existing(seq: existing))
                return nil
            }
            keysInBatch[key] = seq
        }
        tail.bytes.removeAll(keepingCapacity: true)
        tail.writeRaw(",\"prev_hash\":")
        tail.write(digest: head.hash)
        tail.bytes.append(contentsOf: recordedAtFragment)
        tail.writeRaw(",\"seq\":")
        tail.write(int: Int64(seq))
        tail.bytes.append(contentsOf: suffix)
        var hasher = headHash
        hasher.update(tail.bytes)
        let link = ChainLink(seq: seq, prevHash: head.hash, hash: hasher.finalized())
        head = LogHead(seq: seq, hash: link.hash, recordedAt: recordedAt)
        results.append(.appended(AppendedEvent(seq: seq, id: id, recordedAt: recordedAt, hash: link.hash)))
        return link
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
