import CLMDB
import DialerCore
import Foundation

/// A run of a batch's drafts validated and laid out as they will be stored, before the write lock: for
/// each event, its record (seq, recorded time and hashes left zero), its stream and type index keys
/// (seq left zero) and its canonical envelope's suffix, one after another in one buffer, and beside
/// them the SHA-256 state over the envelope's head. Sealing gives each event its place in the chain;
/// storing copies its bytes into LMDB and fills in the blanks.
final class PackedChunk: @unchecked Sendable {
    /// Where one event's parts sit in the buffer, and what sealing needs besides.
    private struct Slot {
        let start: Int
        let recordCount: Int
        let streamKeyCount: Int
        let typeKeyCount: Int
        let suffixCount: Int
        let hashesOffset: Int
        let id: UUID
        let idempotencyKey: String?
        let headHash: SHA256Hasher
        /// Whether a maintained view reads the event's type.
        let viewed: Bool
    }

    private var slots: [Slot] = []
    /// Each event's place in the chain after `seal`, or nil when its idempotency key was taken.
    private var links: [ChainLink?] = []
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0
    private var used = 0

    /// Validates and lays out `drafts`, new ids drawn from a generator seeded by the system's cryptographic
    /// generator; an error names the first bad draft by its index in the batch (the slice's own indices).
    init(_ drafts: ArraySlice<EventDraft>) throws {
        slots.reserveCapacity(drafts.count)
        var system = SystemRandomNumberGenerator()
        var ids = EventIDGenerator(seededBy: &system)
        try PreparedEvent.prepare(drafts, ids: &ids) { add($0, expecting: drafts.count - slots.count) }
    }

    deinit { free(buffer) }

    /// Seals every event with `sealer`, in order: its place in the chain, or none when its idempotency key
    /// is held already (by an earlier event of the batch, or by the event `existingSeq` finds in the log).
    func seal(_ sealer: inout ChainSealer, existingSeq: (String) throws -> UInt64?) throws {
        links.removeAll(keepingCapacity: true)
        guard let base = buffer else { return }
        links.reserveCapacity(slots.count)
        for slot in slots {
            let suffix = UnsafeRawBufferPointer(
                start: base + slot.start + slot.recordCount + slot.streamKeyCount + slot.typeKeyCount,
                count: slot.suffixCount)
            links.append(
                try sealer.seal(
                    id: slot.id, idempotencyKey: slot.idempotencyKey, headHash: slot.headHash, suffix: suffix,
                    existingSeq: existingSeq))
        }
    }

    /// Stores every event `seal` gave a new sequence: its record, its stream and type index entries, and
    /// its idempotency key's entry; adds to `viewedSeqs` those of a type a maintained view reads.
    func store(
        recordedAt: Timestamp, _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases,
        viewedSeqs: inout [UInt64]
    ) throws {
        guard let base = buffer else { return }
        for (slot, link) in zip(slots, links) {
            guard let link else { continue }
            let event = UnsafeRawBufferPointer(
                start: base + slot.start,
                count: slot.recordCount + slot.streamKeyCount + slot.typeKeyCount + slot.suffixCount)
            try Self.store(event, slot, link, recordedAt: recordedAt, txn, dbs)
            if slot.viewed { viewedSeqs.append(link.seq) }
        }
    }

    private static func store(
        _ event: UnsafeRawBufferPointer, _ slot: Slot, _ link: ChainLink, recordedAt: Timestamp,
        _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases
    ) throws {
        let seq = link.seq.bigEndian
        try withUnsafeBytes(of: seq) { seqKey in
            try txn.put(dbs.events, key: seqKey, reserving: slot.recordCount, append: true) { out in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: event[0..<slot.recordCount]))
                out.storeBytes(of: seq, toByteOffset: EnvelopeRecord.seqOffset, as: UInt64.self)
                out.storeBytes(
                    of: UInt64(bitPattern: recordedAt.milliseconds).bigEndian,
                    toByteOffset: EnvelopeRecord.recordedAtOffset, as: UInt64.self)
                EnvelopeRecord.put(digest: link.prevHash, at: slot.hashesOffset, in: out)
                EnvelopeRecord.put(digest: link.hash, at: slot.hashesOffset + 32, in: out)
            }
            let streamKey = slot.recordCount..<slot.recordCount + slot.streamKeyCount
            try put(UnsafeRawBufferPointer(rebasing: event[streamKey]), seq, dbs.byStream, txn)
            let typeKey = streamKey.upperBound..<streamKey.upperBound + slot.typeKeyCount
            try put(UnsafeRawBufferPointer(rebasing: event[typeKey]), seq, dbs.byType, txn)
            if let key = slot.idempotencyKey {
                try txn.put(dbs.byIdempotencyKey, key: Array(key.utf8), value: Array(seqKey))
            }
        }
    }

    /// Lays out `item` after the events before it; `remaining` events (this one included) are still to
    /// come, to size the buffer once.
    private func add(_ item: PreparedEvent, expecting remaining: Int) {
        let correlated = item.correlationID != nil
        let caused = item.causationID != nil
        let recordCount = EnvelopeRecord.count(
            type: item.type, stream: item.stream, idempotencyKey: item.idempotencyKey, correlated: correlated,
            caused: caused, payloadCount: item.payload.bytes.count)
        let streamKeyCount = item.stream.utf8.count + 9
        let typeKeyCount = item.type.utf8.count + 9
        let suffixCount = item.tailSuffix.count
        let count = recordCount + streamKeyCount + typeKeyCount + suffixCount
        let out = reserve(count, expecting: remaining)
        EnvelopeRecord.write(
            seq: 0, recordedAt: Timestamp(milliseconds: 0), version: item.version, id: item.id,
            correlationID: item.correlationID, causationID: item.causationID, prevHash: .zero, hash: .zero,
            type: item.type, stream: item.stream, idempotencyKey: item.idempotencyKey, payload: item.payload.bytes,
            to: UnsafeMutableRawBufferPointer(rebasing: out[0..<recordCount]))
        Self.writeKey(item.stream, to: UnsafeMutableRawBufferPointer(rebasing: out[recordCount...]))
        Self.writeKey(item.type, to: UnsafeMutableRawBufferPointer(rebasing: out[(recordCount + streamKeyCount)...]))
        item.tailSuffix.withUnsafeBytes { suffix in
            UnsafeMutableRawBufferPointer(rebasing: out[(count - suffixCount)...]).copyMemory(from: suffix)
        }
        slots.append(
            Slot(
                start: used - count, recordCount: recordCount, streamKeyCount: streamKeyCount,
                typeKeyCount: typeKeyCount, suffixCount: suffixCount,
                hashesOffset: EnvelopeRecord.hashesOffset(correlated: correlated, caused: caused), id: item.id,
                idempotencyKey: item.idempotencyKey, headHash: item.headHash,
                viewed: ViewCatalog.types.contains(item.type)))
    }

    /// The next `count` bytes of the buffer, which grows when full: at first to what `remaining` events
    /// of this size need, then by doubling.
    private func reserve(_ count: Int, expecting remaining: Int) -> UnsafeMutableRawBufferPointer {
        if used + count > capacity {
            capacity = max(used + count, buffer == nil ? count * remaining * 5 / 4 : capacity * 2)
            guard let grown = realloc(buffer, capacity) else { fatalError("out of memory for \(capacity) bytes") }
            buffer = grown
        }
        defer { used += count }
        return UnsafeMutableRawBufferPointer(start: buffer! + used, count: count)
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
