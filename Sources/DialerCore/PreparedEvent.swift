import Foundation

/// A draft validated and encoded as far as it can be before the log's head is known: strings in NFC,
/// canonical payload, id, and the SHA-256 state over the envelope's head (every key that sorts before
/// `prev_hash`). Sealing then hashes only the short tail inside the write transaction.
public struct PreparedEvent: Sendable {
    /// Stored type name.
    public let type: String
    /// Version of the payload's shape.
    public let version: UInt32
    /// The stream, in NFC.
    public let stream: String
    /// The run or job this belongs to.
    public let correlationID: UUID?
    /// The event that caused this one.
    public let causationID: UUID?
    /// The idempotency key, in NFC.
    public let idempotencyKey: String?
    /// The canonical payload.
    public let payload: CanonicalJSON
    /// The event's id.
    public let id: UUID
    /// The SHA-256 state over the canonical envelope's head (every key before `prev_hash`).
    public let headHash: SHA256Hasher
    /// The envelope's last bytes, known before sealing: `,"stream":…,"type":…,"version":N}`.
    public let tailSuffix: [UInt8]

    /// Validates draft number `position` of its batch; `scratch` is a reusable buffer. The draft is read
    /// in place, never copied (a copy would touch every object it holds).
    public init(
        _ draft: borrowing EventDraft, position: Int, ids: inout EventIDGenerator, scratch: inout CanonicalJSONWriter
    ) throws {
        (stream, idempotencyKey, payload) = try draft.checked(position: position, scratch: &scratch)
        type = draft.type
        version = draft.version
        correlationID = draft.correlationID
        causationID = draft.causationID
        id = draft.id ?? ids.next()
        scratch.bytes.removeAll(keepingCapacity: true)
        Envelope.writeCanonicalHead(
            causationID: causationID, correlationID: correlationID, hash: nil, id: id,
            idempotencyKey: idempotencyKey, payload: payload.bytes, to: &scratch)
        var hasher = SHA256Hasher()
        hasher.update(scratch.bytes)
        headHash = hasher
        scratch.bytes.removeAll(keepingCapacity: true)
        Envelope.writeCanonicalSuffix(stream: stream, type: type, version: version, to: &scratch)
        tailSuffix = Array(scratch.bytes)  // exact size; the scratch keeps its own buffer
    }

    /// Prepares `drafts` in order with the id generator `ids` and one reusable buffer, handing each to `body`.
    /// An error names the first bad draft by its index in the batch (the slice's own indices).
    public static func prepare(
        _ drafts: ArraySlice<EventDraft>, ids: inout EventIDGenerator, _ body: (PreparedEvent) throws -> Void
    ) throws {
        var scratch = CanonicalJSONWriter(capacity: 1024)
        for position in drafts.indices {
            try body(try PreparedEvent(drafts[position], position: position, ids: &ids, scratch: &scratch))
        }
    }

    /// The envelope this event became at `link`, recorded at `recordedAt`.
    func envelope(_ link: ChainLink, recordedAt: Timestamp) -> Envelope {
        Envelope(
            seq: link.seq, id: id, type: type, version: version, recordedAt: recordedAt, stream: stream,
            correlationID: correlationID, causationID: causationID, idempotencyKey: idempotencyKey, payload: payload,
            prevHash: link.prevHash, hash: link.hash)
    }
}
