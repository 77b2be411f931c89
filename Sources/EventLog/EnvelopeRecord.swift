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

    /// The record of `e` as bytes.
    static func encode(_ e: Envelope) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count(of: e)) { buffer, initialized in
            write(e, to: UnsafeMutableRawBufferPointer(buffer))
            initialized = buffer.count
        }
    }

    /// The size of the record of `e`, in bytes.
    static func count(of e: Envelope) -> Int {
        38 + (e.correlationID != nil ? 16 : 0) + (e.causationID != nil ? 16 : 0) + 64 + 2 + e.type.utf8.count + 2
            + e.stream.utf8.count + (e.idempotencyKey.map { 2 + $0.utf8.count } ?? 0) + 4 + e.payload.bytes.count
    }

    /// Writes the record of `e` into `out`, which holds exactly `count(of: e)` bytes.
    static func write(_ e: Envelope, to out: UnsafeMutableRawBufferPointer) {
        var offset = 0
        func put<T: FixedWidthInteger>(_ value: T) {
            out.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
            offset += MemoryLayout<T>.size
        }
        func put(uuid: UUID) {
            out.storeBytes(of: uuid.uuid, toByteOffset: offset, as: uuid_t.self)
            offset += 16
        }
        func put(digest: SHA256Digest) {
            put(digest.words.0)
            put(digest.words.1)
            put(digest.words.2)
            put(digest.words.3)
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
        put(e.seq)
        put(UInt64(bitPattern: e.recordedAt.milliseconds))
        put(UInt32(e.version))
        put(uuid: e.id)
        put(
            UInt8((e.correlationID != nil ? 1 : 0) | (e.causationID != nil ? 2 : 0) | (e.idempotencyKey != nil ? 4 : 0))
        )
        if let id = e.correlationID { put(uuid: id) }
        if let id = e.causationID { put(uuid: id) }
        put(digest: e.prevHash)
        put(digest: e.hash)
        put(short: e.type)
        put(short: e.stream)
        if let key = e.idempotencyKey { put(short: key) }
        put(UInt32(e.payload.bytes.count))
        e.payload.bytes.withUnsafeBufferPointer { put(bytes: $0) }
        precondition(offset == out.count, "record size mismatch")
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
