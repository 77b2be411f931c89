import DialerCore
import Foundation

/// The binary form of an envelope in LMDB: fixed-width fields first, then length-prefixed strings and
/// the canonical payload bytes. Decoding needs no JSON parsing, which is what makes replay fast; the
/// hash is still over the canonical JSON envelope, so `verify` proves the two agree.
///
/// Layout (integers big-endian): format u8 = 1 · seq u64 · recorded_at i64 ms · version u32 · id 16 ·
/// flags u8 (1 correlation, 2 causation, 4 idempotency key) · correlation 16? · causation 16? ·
/// prev_hash 32 · hash 32 · type u16+bytes · stream u16+bytes · idempotency key u16+bytes? ·
/// payload u32+bytes.
enum EnvelopeRecord {
    static let format: UInt8 = 1

    /// Where seq and recorded_at sit in every record.
    static let seqOffset = 1
    static let recordedAtOffset = 9

    /// The record of `e` as bytes.
    static func encode(_ e: Envelope) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count(of: e)) { buffer, initialized in
            write(e, to: UnsafeMutableRawBufferPointer(buffer))
            initialized = buffer.count
        }
    }

    /// The size of the record of `e`, in bytes.
    static func count(of e: Envelope) -> Int {
        count(
            type: e.type, stream: e.stream, idempotencyKey: e.idempotencyKey, correlated: e.correlationID != nil,
            caused: e.causationID != nil, payloadCount: e.payload.bytes.count)
    }

    /// The size of a record with these variable parts, in bytes.
    static func count(
        type: String, stream: String, idempotencyKey: String?, correlated: Bool, caused: Bool, payloadCount: Int
    ) -> Int {
        hashesOffset(correlated: correlated, caused: caused) + 64 + 2 + type.utf8.count + 2 + stream.utf8.count
            + (idempotencyKey.map { 2 + $0.utf8.count } ?? 0) + 4 + payloadCount
    }

    /// Where prev_hash (then hash) sits in a record.
    static func hashesOffset(correlated: Bool, caused: Bool) -> Int {
        38 + (correlated ? 16 : 0) + (caused ? 16 : 0)
    }

    /// Writes the record of `e` into `out`, which holds exactly `count(of: e)` bytes.
    static func write(_ e: Envelope, to out: UnsafeMutableRawBufferPointer) {
        write(
            seq: e.seq, recordedAt: e.recordedAt, version: e.version, id: e.id, correlationID: e.correlationID,
            causationID: e.causationID, prevHash: e.prevHash, hash: e.hash, type: e.type, stream: e.stream,
            idempotencyKey: e.idempotencyKey, payload: e.payload.bytes, to: out)
    }

    /// Writes a record from its fields into `out`, which holds exactly its `count` bytes.
    static func write(
        seq: UInt64, recordedAt: Timestamp, version: UInt32, id: UUID, correlationID: UUID?, causationID: UUID?,
        prevHash: SHA256Digest, hash: SHA256Digest, type: String, stream: String, idempotencyKey: String?,
        payload: [UInt8], to out: UnsafeMutableRawBufferPointer
    ) {
        var offset = 0
        func put<T: FixedWidthInteger>(_ value: T) {
            out.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
            offset += MemoryLayout<T>.size
        }
        func put(uuid: UUID) {
            out.storeBytes(of: uuid.uuid, toByteOffset: offset, as: uuid_t.self)
            offset += 16
        }
        func put(bytes: UnsafeBufferPointer<UInt8>) {
            if let base = bytes.baseAddress {
                (out.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count)
            }
            offset += bytes.count
        }
        func put(short text: String) {
            var text = text
            text.withUTF8 { utf8 in
                put(UInt16(utf8.count))
                put(bytes: utf8)
            }
        }
        put(format)
        put(seq)
        put(UInt64(bitPattern: recordedAt.milliseconds))
        put(UInt32(version))
        put(uuid: id)
        put(UInt8((correlationID != nil ? 1 : 0) | (causationID != nil ? 2 : 0) | (idempotencyKey != nil ? 4 : 0)))
        if let id = correlationID { put(uuid: id) }
        if let id = causationID { put(uuid: id) }
        Self.put(digest: prevHash, at: offset, in: out)
        Self.put(digest: hash, at: offset + 32, in: out)
        offset += 64
        put(short: type)
        put(short: stream)
        if let key = idempotencyKey { put(short: key) }
        put(UInt32(payload.count))
        payload.withUnsafeBufferPointer { put(bytes: $0) }
        precondition(offset == out.count, "record size mismatch")
    }

    /// Stores `digest` as 32 big-endian bytes at `offset`.
    static func put(digest: SHA256Digest, at offset: Int, in out: UnsafeMutableRawBufferPointer) {
        out.storeBytes(of: digest.words.0.bigEndian, toByteOffset: offset, as: UInt64.self)
        out.storeBytes(of: digest.words.1.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        out.storeBytes(of: digest.words.2.bigEndian, toByteOffset: offset + 16, as: UInt64.self)
        out.storeBytes(of: digest.words.3.bigEndian, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// Decodes a stored record; any inconsistency is a `corruptRecord` naming `seq` (the key).
    static func decode(_ raw: UnsafeRawBufferPointer, seq key: UInt64) throws -> Envelope {
        var interner = StringInterner?.none
        return try view(raw, seq: key, interner: &interner).envelope
    }

    /// Decodes a record in place, taking stream and type strings from `interner` when one is given
    /// (scans). Straight-line loads after one bounds check per part: this is the inner loop of every replay.
    static func view(
        _ raw: UnsafeRawBufferPointer, seq key: UInt64, interner: inout StringInterner?
    ) throws -> EnvelopeView {
        func fail(_ reason: String) -> EventLogError { .corruptRecord(seq: key, reason: reason) }
        func u64(_ at: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func u16(_ at: Int) -> Int { Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
        func uuid(_ at: Int) -> UUID { UUID(uuid: raw.loadUnaligned(fromByteOffset: at, as: uuid_t.self)) }
        func digest(_ at: Int) -> SHA256Digest {
            SHA256Digest(words: (u64(at), u64(at + 8), u64(at + 16), u64(at + 24)))
        }

        guard raw.count >= 38 else { throw fail("truncated at byte \(raw.count)") }
        guard raw[0] == format else { throw fail("unknown record format") }
        let flags = raw[37]
        guard flags & ~7 == 0 else { throw fail("unknown flags") }
        var offset = 38
        let correlationAt = flags & 1 != 0 ? offset : nil
        offset += flags & 1 != 0 ? 16 : 0
        let causationAt = flags & 2 != 0 ? offset : nil
        offset += flags & 2 != 0 ? 16 : 0
        let hashesAt = offset
        offset += 64
        func short() throws -> UnsafeRawBufferPointer {
            guard offset + 2 <= raw.count, offset + 2 + u16(offset) <= raw.count else {
                throw fail("truncated at byte \(offset)")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: raw[offset + 2..<offset + 2 + u16(offset)])
            offset += 2 + bytes.count
            return bytes
        }
        func string() throws -> String {
            let bytes = try short()
            return interner != nil ? interner!.string(bytes) : String(decoding: bytes, as: UTF8.self)
        }
        let type = try string()
        let stream = try string()
        let idempotencyKey = flags & 4 != 0 ? try short() : nil
        guard offset + 4 <= raw.count else { throw fail("truncated at byte \(offset)") }
        let payloadCount = Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard payloadCount == raw.count - offset else {
            throw fail(payloadCount > raw.count - offset ? "truncated at byte \(raw.count)" : "trailing bytes")
        }
        return EnvelopeView(
            seq: u64(1), id: uuid(21), type: type,
            version: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 17, as: UInt32.self)),
            recordedAt: Timestamp(milliseconds: Int64(bitPattern: u64(9))), stream: stream,
            correlationID: correlationAt.map(uuid), causationID: causationAt.map(uuid),
            idempotencyKeyBytes: idempotencyKey, payloadBytes: UnsafeRawBufferPointer(rebasing: raw[offset...]),
            prevHash: digest(hashesAt), hash: digest(hashesAt + 32))
    }
}
