import CLMDB
import DialerCore

/// One view's rows in its LMDB database, inside a transaction it must not outlive (it refuses use once
/// closed); writable only inside a write transaction.
final class LMDBViewRows: ViewRows {
    private let txnPointer: OpaquePointer
    private let dbi: MDB_dbi
    private let writable: Bool
    private var isOpen = true

    init(txn: OpaquePointer, dbi: MDB_dbi, writable: Bool) {
        txnPointer = txn
        self.dbi = dbi
        self.writable = writable
    }

    func close() { isOpen = false }

    private func reader() throws -> LMDBReadTransaction {
        guard isOpen else { throw DialerCoreError.snapshotClosed }
        return LMDBReadTransaction(txn: txnPointer)
    }

    private func writer() throws -> LMDBWriteTransaction {
        guard isOpen, writable else { throw DialerCoreError.snapshotClosed }
        return LMDBWriteTransaction(txn: txnPointer)
    }

    func value(forKey key: [UInt8]) throws -> [UInt8]? {
        try reader().withValue(dbi, key: key) { $0.map(Array.init) }
    }

    func put(_ key: [UInt8], _ value: [UInt8]) throws { try writer().put(dbi, key: key, value: value) }

    func delete(_ key: [UInt8]) throws { try writer().delete(dbi, key: key) }

    func scan(_ range: ViewKeyRange, descending: Bool, _ visit: ([UInt8], [UInt8]) throws -> Bool) throws {
        try reader().withCursor(dbi) { cursor in
            var positioned: Bool
            if !descending {
                // LMDB refuses an empty key: the first row is where an empty lower bound starts.
                positioned = range.lower.isEmpty ? try cursor.first() : try cursor.seek(atLeast: range.lower)
            } else if let upper = range.upper {
                positioned = try cursor.seek(atLeast: upper) ? try cursor.previous() : try cursor.last()
            } else {
                positioned = try cursor.last()
            }
            while positioned {
                let key = Array(cursor.key)
                guard range.contains(key) else { return }
                guard try visit(key, Array(cursor.value)) else { return }
                positioned = descending ? try cursor.previous() : try cursor.next()
            }
        }
    }
}
