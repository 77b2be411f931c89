import Foundation

/// A draft validated and encoded as far as it can be before the log's head is known: strings in NFC,
/// canonical payload, id, and the SHA-256 state over the envelope's head (every key that sorts before
/// `prev_hash`). Sealing then hashes only the short tail inside the write transaction.
public struct PreparedEvent: Sendable {
    /// The draft with its strings in NFC.
    public let draft: EventDraft
    /// The canonical payload.
    public let payload: CanonicalJSON
    /// The event's id.
    public let id: UUID
    private let headHash: SHA256Hasher
    /// The envelope's last bytes, known before sealing: `,"stream":…,"type":…,"version":N}`.
    private let tailSuffix: [UInt8]

    /// Validates draft number `position` of its batch; `scratch` is a reusable buffer.
    init(
        _ draft: EventDraft, position: Int, ids: inout EventIDGenerator, scratch: inout CanonicalJSONWriter
    ) throws {
        (self.draft, payload) = try draft.validated(position: position)
        id = draft.id ?? ids.next()
        scratch.bytes.removeAll(keepingCapacity: true)
        Envelope.writeCanonicalHead(
            causationID: self.draft.causationID, correlationID: self.draft.correlationID, hash: nil, id: id,
            idempotencyKey: self.draft.idempotencyKey, payload: payload, to: &scratch)
        var hasher = SHA256Hasher()
        hasher.update(scratch.bytes)
        headHash = hasher
        scratch.bytes.removeAll(keepingCapacity: true)
        Envelope.writeCanonicalSuffix(
            stream: self.draft.stream, type: self.draft.type, version: draft.version, to: &scratch)
        tailSuffix = scratch.bytes
    }

    /// The envelope this event becomes as number `seq` after `prevHash`, recorded at `recordedAt` (whose
    /// canonical `,"recorded_at":…` bytes the batch writes once); `scratch` is a reusable buffer.
    func sealed(
        seq: UInt64, recordedAt: Timestamp, recordedAtFragment: [UInt8], prevHash: SHA256Digest,
        scratch: inout CanonicalJSONWriter
    ) -> Envelope {
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.writeRaw(",\"prev_hash\":")
        scratch.write(digest: prevHash)
        scratch.bytes.append(contentsOf: recordedAtFragment)
        scratch.writeRaw(",\"seq\":")
        scratch.write(int: Int64(seq))
        scratch.bytes.append(contentsOf: tailSuffix)
        var hasher = headHash
        hasher.update(scratch.bytes)
        return Envelope(
            seq: seq, id: id, type: draft.type, version: draft.version, recordedAt: recordedAt, stream: draft.stream,
            correlationID: draft.correlationID, causationID: draft.causationID, idempotencyKey: draft.idempotencyKey,
            payload: payload, prevHash: prevHash, hash: hasher.finalized())
    }
}
