import CLMDB

/// Read access shared by read and write transactions. Conformers are non-copyable and only ever
/// borrowed by a synchronous closure, so a transaction cannot escape or span an `await`.
protocol LMDBReading: ~Copyable {
    var txn: OpaquePointer { get }
}

extension LMDBReading where Self: ~Copyable {
    /// Calls `body` with the value stored under `key`, or nil; the bytes are valid only inside `body`.
    func withValue<R>(
        _ dbi: MDB_dbi, key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        var found = MDB_val()
        let code = key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(txn, dbi, &k, &found)
        }
        if code == MDB_NOTFOUND { return try body(nil) }
        try LMDBStatus.check(code, "mdb_get")
        return try body(UnsafeRawBufferPointer(start: found.mv_data, count: found.mv_size))
    }

    /// Whether `key` is present.
    func contains(_ dbi: MDB_dbi, key: [UInt8]) throws -> Bool {
        try withValue(dbi, key: key) { $0 != nil }
    }

    /// Number of entries in the database.
    func count(_ dbi: MDB_dbi) throws -> Int {
        var stat = MDB_stat()
        try LMDBStatus.check(mdb_stat(txn, dbi, &stat), "mdb_stat")
        return stat.ms_entries
    }

    /// Opens a cursor on `dbi` for the length of `body`.
    func withCursor<R>(_ dbi: MDB_dbi, _ body: (inout LMDBCursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try LMDBStatus.check(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open")
        var wrapped = LMDBCursor(cursor: cursor!)
        defer { mdb_cursor_close(cursor) }
        return try body(&wrapped)
    }
}

/// A read-only transaction, borrowed by `LMDBEnvironment.read`.
struct LMDBReadTransaction: ~Copyable, LMDBReading {
    let txn: OpaquePointer
}

/// A read-write transaction, borrowed by `LMDBEnvironment.write`; committed when the closure returns.
struct LMDBWriteTransaction: ~Copyable, LMDBReading {
    let txn: OpaquePointer

    /// Stores `value` under `key`; `append` asserts the key sorts after every existing key (`MDB_APPEND`).
    func put(_ dbi: MDB_dbi, key: [UInt8], value: [UInt8], append: Bool = false) throws {
        try key.withUnsafeBytes { keyBytes in
            try value.withUnsafeBytes { try put(dbi, key: keyBytes, value: $0, append: append) }
        }
    }

    /// Stores `value` under `key`, both borrowed.
    func put(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, append: Bool = false) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try LMDBStatus.check(mdb_put(txn, dbi, &k, &v, append ? UInt32(MDB_APPEND) : 0), "mdb_put")
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place (`MDB_RESERVE`, no copy).
    func put(
        _ dbi: MDB_dbi, key: UnsafeRawBufferPointer, reserving count: Int, append: Bool,
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        let flags = UInt32(MDB_RESERVE) | (append ? UInt32(MDB_APPEND) : 0)
        try LMDBStatus.check(mdb_put(txn, dbi, &k, &v, flags), "mdb_put")
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Removes every entry of `dbi` (the database stays).
    func clear(_ dbi: MDB_dbi) throws {
        try LMDBStatus.check(mdb_drop(txn, dbi, 0), "mdb_drop")
    }

    /// Removes `key`; true if it was there.
    @discardableResult
    func delete(_ dbi: MDB_dbi, key: [UInt8]) throws -> Bool {
        let code = key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(txn, dbi, &k, nil)
        }
        if code == MDB_NOTFOUND { return false }
        try LMDBStatus.check(code, "mdb_del")
        return true
    }
}

/// A cursor positioned on one entry; keys and values are valid until the next move.
struct LMDBCursor: ~Copyable {
    fileprivate let cursor: OpaquePointer
    private(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var value = UnsafeRawBufferPointer(start: nil, count: 0)

    fileprivate init(cursor: OpaquePointer) { self.cursor = cursor }

    /// Moves to the first entry; false when empty.
    mutating func first() throws -> Bool { try move(MDB_FIRST) }
    /// Moves to the last entry; false when empty.
    mutating func last() throws -> Bool { try move(MDB_LAST) }
    /// Moves forward; false at the end.
    mutating func next() throws -> Bool { try move(MDB_NEXT) }
    /// Moves back; false at the start.
    mutating func previous() throws -> Bool { try move(MDB_PREV) }

    /// Moves to the first entry whose key is at least `target`; false if there is none.
    mutating func seek(atLeast target: [UInt8]) throws -> Bool {
        try target.withUnsafeBytes { bytes in
            var k = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            var v = MDB_val()
            let code = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
            return try settle(code, k, v)
        }
    }

    private mutating func move(_ op: MDB_cursor_op) throws -> Bool {
        var k = MDB_val()
        var v = MDB_val()
        let code = mdb_cursor_get(cursor, &k, &v, op)
        return try settle(code, k, v)
    }

    private mutating func settle(_ code: Int32, _ k: MDB_val, _ v: MDB_val) throws -> Bool {
        if code == MDB_NOTFOUND { return false }
        try LMDBStatus.check(code, "mdb_cursor_get")
        key = UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size)
        value = UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
        return true
    }
}
