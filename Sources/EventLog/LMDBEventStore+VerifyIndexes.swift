import CLMDB
import DialerCore

extension LMDBEventStore {
    /// One index as `verify` walks it.
    private struct IndexWalk {
        let name: String
        let dbi: MDB_dbi
        let expected: Int
        /// The seq an entry points to and whether the event there agrees, or the fault of a malformed entry.
        let entry: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Result<Entry, Fault>
    }

    private struct Entry {
        let seq: UInt64
        let agrees: (EnvelopeView) -> Bool
    }

    private struct Fault: Error {
        let reason: String
    }

    /// Walks every entry of every index tree: keys and values of the sizes the store writes, keys in
    /// strictly increasing order, each entry pointing at a stored event that agrees with it, and as many
    /// entries as the events need. With each event's own entries found by the chain walk, distinct
    /// agreeing entries in the expected number prove there are no others.
    static func verifyIndexes(
        _ txn: borrowing LMDBReadTransaction, _ dbs: LogDatabases, _ report: LogVerification
    ) throws -> LogProblem? {
        let events = Int(report.eventCount)
        let walks = [
            IndexWalk(name: "stream", dbi: dbs.byStream, expected: events) { named($0, $1) { $0.stream } },
            IndexWalk(name: "type", dbi: dbs.byType, expected: events) { named($0, $1) { $0.type } },
            IndexWalk(name: "time", dbi: dbs.byTime, expected: report.timeRunCount, entry: timeEntry),
            IndexWalk(
                name: "idempotency", dbi: dbs.byIdempotencyKey, expected: report.idempotencyKeyCount,
                entry: idempotencyEntry),
        ]
        for walk in walks {
            if let problem = try verify(walk, txn, dbs, eventCount: report.eventCount) { return problem }
        }
        return nil
    }

    private static func verify(
        _ walk: IndexWalk, _ txn: borrowing LMDBReadTransaction, _ dbs: LogDatabases, eventCount: UInt64
    ) throws -> LogProblem? {
        var walked = 0
        var previousKey: [UInt8]?
        var interner = StringInterner?.some(StringInterner())
        let problem = try txn.withCursor(walk.dbi) { cursor -> LogProblem? in
            var more = try cursor.first()
            while more {
                walked += 1
                let position = "the \(walk.name) index's entry \(walked)"
                if let previousKey, !previousKey.lexicographicallyPrecedes(cursor.key) {
                    return LogProblem(seq: nil, reason: "\(position) is out of order (a damaged tree)")
                }
                let entry: Entry
                switch walk.entry(cursor.key, cursor.value) {
                case .success(let found): entry = found
                case .failure(let fault): return LogProblem(seq: nil, reason: "\(position) \(fault.reason)")
                }
                guard entry.seq >= 1, entry.seq <= eventCount else {
                    return LogProblem(seq: entry.seq, reason: "the \(walk.name) index points to no stored event")
                }
                let agrees = try txn.withValue(dbs.events, key: IndexKey.seq(entry.seq)) { raw in
                    try raw.map { entry.agrees(try EnvelopeRecord.view($0, seq: entry.seq, interner: &interner)) }
                }
                guard agrees == true else {
                    return LogProblem(seq: entry.seq, reason: "the \(walk.name) index's entry disagrees with the event")
                }
                previousKey = Array(cursor.key)
                more = try cursor.next()
            }
            return nil
        }
        if let problem { return problem }
        let counted = try txn.count(walk.dbi)
        guard walked == walk.expected, counted == walked else {
            return LogProblem(
                seq: nil,
                reason: "the \(walk.name) index holds \(walked) entries (its header says \(counted)) "
                    + "where \(walk.expected) are expected")
        }
        return nil
    }

    /// A stream or type entry: `name NUL seq` with an empty value, filed under the event's `name`.
    private static func named(
        _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, _ name: @escaping (EnvelopeView) -> String
    ) -> Result<Entry, Fault> {
        let nameCount = key.count - 9
        guard nameCount >= 0, key.firstIndex(of: 0) == nameCount, let seq = IndexKey.trailingSeq(key) else {
            return .failure(Fault(reason: "has a malformed key of \(key.count) bytes"))
        }
        guard value.isEmpty else {
            return .failure(Fault(reason: "has a \(value.count)-byte value where none belongs"))
        }
        let filed = Array(key[0..<nameCount])
        return .success(Entry(seq: seq) { filed.elementsEqual(name($0).utf8) })
    }

    /// A time entry: the run's recorded time and first seq, 16 bytes, with an empty value.
    private static func timeEntry(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Result<
        Entry, Fault
    > {
        guard let instant = IndexKey.instant(ofTimeKey: key), let seq = IndexKey.trailingSeq(key) else {
            return .failure(Fault(reason: "has a malformed key of \(key.count) bytes"))
        }
        guard value.isEmpty else {
            return .failure(Fault(reason: "has a \(value.count)-byte value where none belongs"))
        }
        return .success(Entry(seq: seq) { $0.recordedAt == instant })
    }

    /// An idempotency entry: the key's bytes to an 8-byte seq.
    private static func idempotencyEntry(
        _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer
    ) -> Result<Entry, Fault> {
        guard !key.isEmpty else { return .failure(Fault(reason: "has an empty key")) }
        guard value.count == 8, let seq = IndexKey.trailingSeq(value) else {
            return .failure(Fault(reason: "has a \(value.count)-byte value where a seq of 8 belongs"))
        }
        let filed = Array(key)
        return .success(Entry(seq: seq) { $0.idempotencyKeyBytes.map { filed.elementsEqual($0) } ?? false })
    }
}
