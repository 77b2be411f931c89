import Foundation

/// An event read in place: every field decoded, the payload and idempotency key borrowed from the store.
/// Valid only inside the visit that received it (the bytes belong to the read transaction); `envelope`
/// makes an owned copy. Replays and projectors read through views so that no event is copied.
public struct EnvelopeView {
    /// Global sequence number.
    public let seq: UInt64
    /// Unique id of the event.
    public let id: UUID
    /// Stored type name.
    public let type: String
    /// Version of the payload's shape.
    public let version: UInt32
    /// When the log recorded it.
    public let recordedAt: Timestamp
    /// The stream it belongs to.
    public let stream: String
    /// The run or job it is part of.
    public let correlationID: UUID?
    /// The event that caused it.
    public let causationID: UUID?
    /// The idempotency key's UTF-8 bytes, borrowed.
    public let idempotencyKeyBytes: UnsafeRawBufferPointer?
    /// The payload's canonical JSON bytes, borrowed.
    public let payloadBytes: UnsafeRawBufferPointer
    /// Hash of the previous event.
    public let prevHash: SHA256Digest
    /// Hash of this event.
    public let hash: SHA256Digest

    /// A view with every field given; the buffers must outlive the view's use.
    public init(
        seq: UInt64, id: UUID, type: String, version: UInt32, recordedAt: Timestamp, stream: String,
        correlationID: UUID?, causationID: UUID?, idempotencyKeyBytes: UnsafeRawBufferPointer?,
        payloadBytes: UnsafeRawBufferPointer, prevHash: SHA256Digest, hash: SHA256Digest
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.version = version
        self.recordedAt = recordedAt
        self.stream = stream
        self.correlationID = correlationID
        self.causationID = causationID
        self.idempotencyKeyBytes = idempotencyKeyBytes
        self.payloadBytes = payloadBytes
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The idempotency key, decoded.
    public var idempotencyKey: String? { idempotencyKeyBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// Writes the envelope's canonical JSON, the bytes `Envelope.canonicalBytes()` gives, read in place
    /// (no owned copy made).
    public func writeCanonical(to w: inout CanonicalJSONWriter) {
        Envelope.writeCanonicalHead(
            causationID: causationID, correlationID: correlationID, hash: hash, id: id,
            idempotencyKey: idempotencyKey, payload: payloadBytes, to: &w)
        Envelope.writeCanonicalTail(
            prevHash: prevHash, recordedAt: recordedAt, seq: seq, stream: stream, type: type, version: version, to: &w)
    }

    /// An owned copy.
    public var envelope: Envelope {
        Envelope(
            seq: seq, id: id, type: type, version: version, recordedAt: recordedAt, stream: stream,
            correlationID: correlationID, causationID: causationID, idempotencyKey: idempotencyKey,
            payload: CanonicalJSON(trusted: Array(payloadBytes)), prevHash: prevHash, hash: hash)
    }
}

extension Envelope {
    /// Calls `body` with a view of this envelope.
    public func withView<R>(_ body: (EnvelopeView) throws -> R) rethrows -> R {
        try payload.bytes.withUnsafeBytes { payloadBytes in
            func view(_ key: UnsafeRawBufferPointer?) throws -> R {
                try body(
                    EnvelopeView(
                        seq: seq, id: id, type: type, version: version, recordedAt: recordedAt, stream: stream,
                        correlationID: correlationID, causationID: causationID, idempotencyKeyBytes: key,
                        payloadBytes: payloadBytes, prevHash: prevHash, hash: hash))
            }
            guard let idempotencyKey else { return try view(nil) }
            return try Array(idempotencyKey.utf8).withUnsafeBytes { try view($0) }
        }
    }
}
