import CLMDB
import DialerCore
import Foundation

/// An event's stored bytes, made before the write lock in one buffer: its record with seq, recorded time
/// and hashes left zero, then its stream and type index keys with their trailing seq left zero. Storing
/// copies them into LMDB and fills in the blanks, so the serial part of an append is hashes and copies.
struct RecordTemplate: Sendable {
    private let bytes: [UInt8]
    private let recordCount: Int
    private let streamKeyCount: Int
    private let hashesOffset: Int
    private let idempotencyKey: String?

    /// The template of `item`.
    init(_ item: PreparedEvent) {
        let correlated = item.correlationID != nil
        let caused = item.causationID != nil
        let recordCount = EnvelopeRecord.count(
            type: item.type, stream: item.stream, idempotencyKey: item.idempotencyKey, correlated: correlated,
            caused: caused, payloadCount: item.payload.bytes.count)
        let streamKeyCount = item.stream.utf8.count + 9
        let typeKeyCount = item.type.utf8.count + 9
        bytes = [UInt8](unsafeUninitializedCapacity: recordCount + streamKeyCount + typeKeyCount) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            EnvelopeRecord.write(
                seq: 0, recordedAt: Timestamp(milliseconds: 0), version: item.version, id: item.id,
                correlationID: item.correlationID, causationID: item.causationID, prevHash: .zero, hash: .zero,
                type: item.type, stream: item.stream, idempotencyKey: item.idempotencyKey,
                payload: item.payload.bytes, to: UnsafeMutableRawBufferPointer(rebasing: raw[0..<recordCount]))
            Self.writeKey(item.stream, to: UnsafeMutableRawBufferPointer(rebasing: raw[recordCount...]))
            Self.writeKey(
                item.type, to: UnsafeMutableRawBufferPointer(rebasing: raw[(recordCount + streamKeyCount)...]))
            count = buffer.count
        }
        self.recordCount = recordCount
        self.streamKeyCount = streamKeyCount
        hashesOffset = EnvelopeRecord.hashesOffset(correlated: correlated, caused: caused)
        idempotencyKey = item.idempotencyKey
    }

    /// Stores the event as `link`, recorded at `recordedAt`: its record, its stream and type index
    /// entries, and its idempotency key's entry.
    func store(
        _ link: ChainLink, recordedAt: Timestamp, _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases
    ) throws {
        let seq = link.seq.bigEndian
        try bytes.withUnsafeBytes { template in
            try withUnsafeBytes(of: seq) { seqKey in
                try txn.put(dbs.events, key: seqKey, reserving: recordCount, append: true) { out in
                    out.copyMemory(from: UnsafeRawBufferPointer(rebasing: template[0..<recordCount]))
                    out.storeBytes(of: seq, toByteOffset: EnvelopeRecord.seqOffset, as: UInt64.self)
                    out.storeBytes(
                        of: UInt64(bitPattern: recordedAt.milliseconds).bigEndian,
                        toByteOffset: EnvelopeRecord.recordedAtOffset, as: UInt64.self)
                    EnvelopeRecord.put(digest: link.prevHash, at: hashesOffset, in: out)
                    EnvelopeRecord.put(digest: link.hash, at: hashesOffset + 32, in: out)
                }
                let keys = UnsafeRawBufferPointer(rebasing: template[recordCount...])
                try Self.put(UnsafeRawBufferPointer(rebasing: keys[0..<streamKeyCount]), seq, dbs.byStream, txn)
                try Self.put(UnsafeRawBufferPointer(rebasing: keys[streamKeyCount...]), seq, dbs.byType, txn)
                if let idempotencyKey {
                    try txn.put(dbs.byIdempotencyKey, key: Array(idempotencyKey.utf8), value: Array(seqKey))
                }
            }
        }
    }

    /// Writes `name` NUL and eight zero bytes (the seq to come): an index key's layout (`IndexKey.named`).
    private static func writeKey(_ name: String, to out: UnsafeMutableRawBufferPointer) {
        var name = name
        let count = name.withUTF8 { utf8 in
            out.copyMemory(from: UnsafeRawBufferPointer(utf8))
            return utf8.count
        }
        out.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        out.storeBytes(of: 0, toByteOffset: count + 1, as: UInt64.self)
    }

    /// Puts the index key `template` with `seq` (big-endian) in its last eight bytes, empty value.
    private static func put(
        _ template: UnsafeRawBufferPointer, _ seq: UInt64, _ dbi: MDB_dbi, _ txn: borrowing LMDBWriteTransaction
    ) throws {
        try withUnsafeTemporaryAllocation(byteCount: template.count, alignment: 1) { key in
            key.copyMemory(from: template)
            key.storeBytes(of: seq, toByteOffset: template.count - 8, as: UInt64.self)
            try txn.put(dbi, key: UnsafeRawBufferPointer(key), value: UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
