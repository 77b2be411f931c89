import Foundation

/// One stored event: its place in the log, its identity, its payload, and its link in the hash chain.
public struct Envelope: Sendable, Hashable {
    /// Global sequence number, gap-free from 1.
    public var seq: UInt64
    /// Unique id of the event.
    public var id: UUID
    /// Stored type name (never derived from a Swift type name).
    public var type: String
    /// Version of the payload's shape for this type; bumped on change, upcast on read.
    public var version: UInt32
    /// When the log recorded it; never earlier than the event before it.
    public var recordedAt: Timestamp
    /// The stream it belongs to, such as `campaign:ID`, `run:ID` or `job:ID`.
    public var stream: String
    /// The id of the run or job this event is part of.
    public var correlationID: UUID?
    /// The id of the event that caused this one.
    public var causationID: UUID?
    /// A key that makes appending this event at most once.
    public var idempotencyKey: String?
    /// The payload, canonical JSON.
    public var payload: CanonicalJSON
    /// The hash of the previous event (all zeros for the first).
    public var prevHash: SHA256Digest
    /// SHA-256 of the canonical envelope without `hash`.
    public var hash: SHA256Digest

    /// An envelope with every field given.
    public init(
        seq: UInt64, id: UUID, type: String, version: UInt32, recordedAt: Timestamp, stream: String,
        correlationID: UUID?, causationID: UUID?, idempotencyKey: String?, payload: CanonicalJSON,
        prevHash: SHA256Digest, hash: SHA256Digest
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.version = version
        self.recordedAt = recordedAt
        self.stream = stream
        self.correlationID = correlationID
        self.causationID = causationID
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The hash this envelope's content should have.
    public func computedHash() -> SHA256Digest { SHA256Digest.of(canonicalBytes(includingHash: false)) }

    /// The canonical JSON of the envelope: sorted keys, absent optionals as `null`.
    public func canonicalBytes(includingHash: Bool = true) -> [UInt8] {
        var w = CanonicalJSONWriter(capacity: payload.bytes.count + 420)
        Self.writeCanonicalHead(
            causationID: causationID, correlationID: correlationID, hash: includingHash ? hash : nil, id: id,
            idempotencyKey: idempotencyKey, payload: payload.bytes, to: &w)
        Self.writeCanonicalTail(
            prevHash: prevHash, recordedAt: recordedAt, seq: seq, stream: stream, type: type, version: version, to: &w)
        return w.bytes
    }

    /// The canonical envelope up to and including `payload`: the keys that sort before `prev_hash`, none
    /// of which depend on the log's head, so writers hash this part before taking the write lock.
    static func writeCanonicalHead(
        causationID: UUID?, correlationID: UUID?, hash: SHA256Digest?, id: UUID, idempotencyKey: String?,
        payload: some Collection<UInt8>, to w: inout CanonicalJSONWriter
    ) {
        w.writeRaw("{\"causation_id\":")
        write(causationID, to: &w)
        w.writeRaw(",\"correlation_id\":")
        write(correlationID, to: &w)
        if let hash {
            w.writeRaw(",\"hash\":")
            w.write(digest: hash)
        }
        w.writeRaw(",\"id\":")
        w.write(uuid: id)
        w.writeRaw(",\"idempotency_key\":")
        if let idempotencyKey { w.write(string: idempotencyKey) } else { w.writeRaw("null") }
        w.writeRaw(",\"payload\":")
        w.writeRaw(bytes: payload)
    }

    /// The rest of the canonical envelope, from `prev_hash` to the closing brace.
    static func writeCanonicalTail(
        prevHash: SHA256Digest, recordedAt: Timestamp, seq: UInt64, stream: String, type: String, version: UInt32,
        to w: inout CanonicalJSONWriter
    ) {
        w.writeRaw(",\"prev_hash\":")
        w.write(digest: prevHash)
        w.writeRaw(",\"recorded_at\":")
        w.write(timestamp: recordedAt)
        w.writeRaw(",\"seq\":")
        w.write(int: Int64(seq))
        writeCanonicalSuffix(stream: stream, type: type, version: version, to: &w)
    }

    /// The envelope's last members, which sealing does not change: `,"stream":…,"type":…,"version":N}`.
    static func writeCanonicalSuffix(stream: String, type: String, version: UInt32, to w: inout CanonicalJSONWriter) {
        w.writeRaw(",\"stream\":")
        w.write(string: stream)
        w.writeRaw(",\"type\":")
        w.write(string: type)
        w.writeRaw(",\"version\":")
        w.write(int: Int64(version))
        w.writeRaw("}")
    }

    /// The canonical JSON as one line of text.
    public var jsonLine: String { String(decoding: canonicalBytes(), as: UTF8.self) }

    private static func write(_ uuid: UUID?, to w: inout CanonicalJSONWriter) {
        if let uuid { w.write(uuid: uuid) } else { w.writeRaw("null") }
    }
}
