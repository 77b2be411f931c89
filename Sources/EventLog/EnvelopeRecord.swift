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

    static func encode(_ e: Envelope) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + e.type.utf8.count + e.stream.utf8.count + e.payload.bytes.count)
        out.append(format)
        append(e.seq, to: &out)
        append(UInt64(bitPattern: e.recordedAt.milliseconds), to: &out)
        append(UInt32(e.version), to: &out)
        append(uuid: e.id, to: &out)
        var flags: UInt8 = 0
        if e.correlationID != nil { flags |= 1 }
        if e.causationID != nil { flags |= 2 }
        if e.idempotencyKey != nil { flags |= 4 }
        out.append(flags)
        if let id = e.correlationID { append(uuid: id, to: &out) }
        if let id = e.causationID { append(uuid: id, to: &out) }
        out.append(contentsOf: e.prevHash.bytes)
        out.append(contentsOf: e.hash.bytes)
        appendShort(Array(e.type.utf8), to: &out)
        appendShort(Array(e.stream.utf8), to: &out)
        if let key = e.idempotencyKey { appendShort(Array(key.utf8), to: &out) }
        append(UInt32(e.payload.bytes.count), to: &out)
        out.append(contentsOf: e.payload.bytes)
        return out
    }

    /// Decodes a stored record; any inconsistency is a `corruptRecord` naming `seq` (the key).
    static func decode(_ raw: UnsafeRawBufferPointer, seq key: UInt64) throws -> Envelope {
        var reader = Reader(raw: raw, seq: key)
        guard try reader.byte() == format else { throw reader.fail("unknown record format") }
        let seq = try reader.u64()
        let recordedAt = Int64(bitPattern: try reader.u64())
        let version = try reader.u32()
        let id = try reader.uuid()
        let flags = try reader.byte()
        guard flags & ~7 == 0 else { throw reader.fail("unknown flags") }
        let correlation = flags & 1 != 0 ? try reader.uuid() : nil
        let causation = flags & 2 != 0 ? try reader.uuid() : nil
        let prevHash = try reader.digest()
        let hash = try reader.digest()
        let type = try reader.shortString()
        let stream = try reader.shortString()
        let idempotencyKey = flags & 4 != 0 ? try reader.shortString() : nil
        let payloadCount = Int(try reader.u32())
        let payload = try reader.bytes(payloadCount)
        guard reader.offset == raw.count else { throw reader.fail("trailing bytes") }
        return Envelope(
            seq: seq, id: id, type: type, version: version, recordedAt: Timestamp(milliseconds: recordedAt),
            stream: stream, correlationID: correlation, causationID: causation, idempotencyKey: idempotencyKey,
            payload: CanonicalJSON(trusted: Array(payload)), prevHash: prevHash, hash: hash)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    private static func append(uuid: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: uuid.uuid) { out.append(contentsOf: $0) }
    }

    private static func appendShort(_ bytes: [UInt8], to out: inout [UInt8]) {
        append(UInt16(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    private struct Reader {
        let raw: UnsafeRawBufferPointer
        let seq: UInt64
        var offset = 0

        init(raw: UnsafeRawBufferPointer, seq: UInt64) {
            self.raw = raw
            self.seq = seq
        }

        func fail(_ reason: String) -> EventLogError { .corruptRecord(seq: seq, reason: reason) }

        mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
            guard count <= raw.count - offset else { throw fail("truncated at byte \(offset)") }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count])
        }

        mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard size <= raw.count - offset else { throw fail("truncated at byte \(offset)") }
            defer { offset += size }
            return T(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        mutating func byte() throws -> UInt8 { try load(UInt8.self) }
        mutating func u32() throws -> UInt32 { try load(UInt32.self) }
        mutating func u64() throws -> UInt64 { try load(UInt64.self) }

        mutating func uuid() throws -> UUID {
            guard 16 <= raw.count - offset else { throw fail("truncated at byte \(offset)") }
            defer { offset += 16 }
            return UUID(uuid: raw.loadUnaligned(fromByteOffset: offset, as: uuid_t.self))
        }

        mutating func digest() throws -> SHA256Digest {
            SHA256Digest(words: (try u64(), try u64(), try u64(), try u64()))
        }

        mutating func shortString() throws -> String {
            let count = Int(try load(UInt16.self))
            return String(decoding: try bytes(count), as: UTF8.self)
        }
    }
}
