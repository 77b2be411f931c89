import CLMDB
import DialerCore

/// A read transaction seen through `EventSnapshot`; refuses use once its closure has returned.
final class LMDBSnapshot: EventSnapshot {
    private let txnPointer: OpaquePointer
    private let dbs: LogDatabases
    private var isOpen = true
    private var openRows: [LMDBViewRows] = []

    init(txn: OpaquePointer, databases: LogDatabases) {
        txnPointer = txn
        dbs = databases
    }

    func close() {
        isOpen = false
        for rows in openRows { rows.close() }
    }

    private func txn() throws -> LMDBReadTransaction {
        guard isOpen else { throw DialerCoreError.snapshotClosed }
        return LMDBReadTransaction(txn: txnPointer)
    }

    func lastSequence() throws -> UInt64 {
        try txn().withCursor(dbs.events) { cursor in try cursor.last() ? IndexKey.trailingSeq(cursor.key) ?? 0 : 0 }
    }

    func envelope(at seq: UInt64) throws -> Envelope? {
        try txn().withValue(dbs.events, key: IndexKey.seq(seq)) { raw in
            try raw.map { try EnvelopeRecord.decode($0, seq: seq) }
        }
    }

    func lastSequence(recordedAtOrBefore instant: Timestamp) throws -> UInt64 {
        guard instant.milliseconds < .max else { return try lastSequence() }
        // The first run recorded after `instant` starts just past the answer; with none, every event counts.
        let later = try txn().withCursor(dbs.byTime) { cursor in
            try cursor.seek(atLeast: IndexKey.time(Timestamp(milliseconds: instant.milliseconds + 1), seq: 0))
                ? IndexKey.trailingSeq(cursor.key) : nil
        }
        guard let later else { return try lastSequence() }
        return later > 0 ? later - 1 : 0
    }

    func sequence(forIdempotencyKey key: String) throws -> UInt64? {
        let normalized = CanonicalJSONWriter.nfc(key)
        return try txn().withValue(dbs.byIdempotencyKey, key: Array(normalized.utf8)) {
            $0.flatMap(IndexKey.trailingSeq)
        }
    }

    func storedView(_ name: String) throws -> StoredView? {
        guard let views = dbs.views, views.slots[name] != nil else { return nil }
        let reader = try txn()
        guard let meta = try LogViews.meta(reader, views, name) else { return nil }
        let rows = LMDBViewRows(txn: txnPointer, dbi: views.slots[name]![meta.slot], writable: false)
        openRows.append(rows)
        return StoredView(version: meta.version, checkpoint: meta.checkpoint, rows: rows)
    }

    func scanInPlace(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws {
        guard query.afterSeq < query.throughSeq, (query.limit ?? 1) > 0 else { return }
        if let name = query.stream ?? query.type {
            try scanIndex(query.stream != nil ? dbs.byStream : dbs.byType, name: name, query, visit)
        } else {
            try scanEvents(query, visit)
        }
    }

    private func scanEvents(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws {
        var remaining = query.limit ?? .max
        var interner = StringInterner?.some(StringInterner())
        try txn().withCursor(dbs.events) { cursor in
            var positioned = try position(&cursor, prefix: [], query)
            while positioned, let seq = IndexKey.trailingSeq(cursor.key), query.afterSeq < seq, seq <= query.throughSeq
            {
                guard try visit(try EnvelopeRecord.view(cursor.value, seq: seq, interner: &interner)) else { return }
                remaining -= 1
                if remaining == 0 { return }
                positioned = query.newestFirst ? try cursor.previous() : try cursor.next()
            }
        }
    }

    private func scanIndex(
        _ dbi: MDB_dbi, name: String, _ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool
    ) throws {
        let prefix = IndexKey.prefix(CanonicalJSONWriter.nfc(name))
        var remaining = query.limit ?? .max
        var interner = StringInterner?.some(StringInterner())
        let reader = try txn()
        try reader.withCursor(dbi) { cursor in
            var positioned = try position(&cursor, prefix: prefix, query)
            while positioned, cursor.key.count == prefix.count + 8, cursor.key.starts(with: prefix),
                let seq = IndexKey.trailingSeq(cursor.key), query.afterSeq < seq, seq <= query.throughSeq
            {
                let goOn = try reader.withValue(dbs.events, key: IndexKey.seq(seq)) { raw -> Bool in
                    guard let raw else { throw EventLogError.corruptRecord(seq: seq, reason: "indexed but not stored") }
                    let view = try EnvelopeRecord.view(raw, seq: seq, interner: &interner)
                    guard query.matches(seq: view.seq, stream: view.stream, type: view.type) else { return true }
                    remaining -= 1
                    return try visit(view) && remaining > 0
                }
                guard goOn else { return }
                positioned = query.newestFirst ? try cursor.previous() : try cursor.next()
            }
        }
    }

    /// Puts the cursor on the first key of the range in the query's direction.
    private func position(_ cursor: inout LMDBCursor, prefix: [UInt8], _ query: EventQuery) throws -> Bool {
        if !query.newestFirst {
            return try cursor.seek(atLeast: prefix + IndexKey.seq(query.afterSeq + 1))
        }
        let bound: [UInt8]
        if query.throughSeq == .max {
            guard !prefix.isEmpty else { return try cursor.last() }
            bound = Array(prefix.dropLast()) + [1]  // sorts just after every "name NUL seq" key
        } else {
            bound = prefix + IndexKey.seq(query.throughSeq + 1)
        }
        return try cursor.seek(atLeast: bound) ? try cursor.previous() : try cursor.last()
    }
}
