import CLMDB

#if canImport(Glibc)
    import Glibc
#endif

/// One LMDB environment (a folder with `data.mdb` and `lock.mdb`): the only owner of `mdb_env_*` calls.
/// Transactions are synchronous closures over borrowed non-copyable handles. The map grows by itself
/// on `MDB_MAP_FULL`, and adopts a size grown by another process on `MDB_MAP_RESIZED`.
final class LMDBEnvironment: @unchecked Sendable {
    /// The folder holding the environment.
    let path: String
    /// Whether the environment was opened read-only.
    let readOnly: Bool
    private let env: OpaquePointer
    private let gate = ReaderWriterLock()

    /// Opens (creating files when writable) the environment in the existing folder `path`.
    init(path: String, mapSize: Int, readOnly: Bool, noLock: Bool, maxDatabases: UInt32) throws(LMDBStatus) {
        var handle: OpaquePointer?
        try LMDBStatus.check(mdb_env_create(&handle), "mdb_env_create")
        guard let handle else { throw LMDBStatus(code: ENOMEM, operation: "mdb_env_create") }
        do {
            try LMDBStatus.check(mdb_env_set_maxdbs(handle, maxDatabases), "mdb_env_set_maxdbs")
            try LMDBStatus.check(mdb_env_set_mapsize(handle, mapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOTLS)
            if readOnly { flags |= UInt32(MDB_RDONLY) }
            if noLock { flags |= UInt32(MDB_NOLOCK) }
            try LMDBStatus.check(mdb_env_open(handle, path, flags, 0o644), "mdb_env_open")
        } catch {
            mdb_env_close(handle)
            throw error
        }
        self.env = handle
        self.path = path
        self.readOnly = readOnly
    }

    deinit { mdb_env_close(env) }

    /// The current map size in bytes.
    var mapSize: Int { gate.withShared { currentMapSize } }

    /// The map size, read where no resize can run: `mdb_env_info` reads the meta pages inside the map,
    /// which a concurrent `mdb_env_set_mapsize` unmaps. Call it only holding the gate.
    private var currentMapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// Opens the named databases in one transaction; nil if one is missing and `create` is false.
    func openDatabases(_ names: [String], create: Bool) throws -> [MDB_dbi]? {
        let open: (OpaquePointer) throws -> [MDB_dbi]? = { txn in
            var handles: [MDB_dbi] = []
            for name in names {
                var dbi = MDB_dbi()
                let code = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
                if code == MDB_NOTFOUND { return nil }
                try LMDBStatus.check(code, "mdb_dbi_open(\(name))")
                handles.append(dbi)
            }
            return handles
        }
        if create {
            return try write { txn in try open(txn.txn) }
        }
        return try read { txn in try open(txn.txn) }
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot for its whole length.
    func read<R>(_ body: (borrowing LMDBReadTransaction) throws -> R) throws -> R {
        while true {
            let outcome: R? = try gate.withShared {
                var txn: OpaquePointer?
                let code = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
                if code == MDB_MAP_RESIZED { return nil }
                try LMDBStatus.check(code, "mdb_txn_begin(read)")
                do {
                    let result = try body(LMDBReadTransaction(txn: txn!))
                    // Committing a read-only transaction keeps database handles it opened.
                    try LMDBStatus.check(mdb_txn_commit(txn), "mdb_txn_commit(read)")
                    return result
                } catch {
                    mdb_txn_abort(txn)
                    throw error
                }
            }
            if let outcome { return outcome }
            try adoptResizedMap()
        }
    }

    /// Runs `body` in a write transaction and commits it. On `MDB_MAP_FULL` the transaction is aborted,
    /// the map grows, and `body` runs again from the start, so it must depend only on what it reads.
    func write<R>(_ body: (borrowing LMDBWriteTransaction) throws -> R) throws -> R {
        while true {
            var observedSize = 0
            let outcome: R?
            do {
                outcome = try gate.withShared {
                    observedSize = currentMapSize
                    var txn: OpaquePointer?
                    let code = mdb_txn_begin(env, nil, 0, &txn)
                    if code == MDB_MAP_RESIZED { return nil }
                    try LMDBStatus.check(code, "mdb_txn_begin(write)")
                    let result: R
                    do {
                        result = try body(LMDBWriteTransaction(txn: txn!))
                    } catch {
                        mdb_txn_abort(txn)
                        throw error
                    }
                    // mdb_txn_commit frees the transaction whether it succeeds or not.
                    try LMDBStatus.check(mdb_txn_commit(txn), "mdb_txn_commit")
                    return result
                }
            } catch let status as LMDBStatus where status.isMapFull {
                try grow(from: observedSize)
                continue
            }
            if let outcome { return outcome }
            try adoptResizedMap()
        }
    }

    /// Forces the data file to disk (for environments opened without sync, never the default).
    func sync() throws { try LMDBStatus.check(mdb_env_sync(env, 1), "mdb_env_sync") }

    private func grow(from observedSize: Int) throws {
        try gate.withExclusive { () throws(LMDBStatus) in
            guard currentMapSize <= observedSize else { return }
            let step = Swift.min(observedSize, 1 << 30)
            try LMDBStatus.check(mdb_env_set_mapsize(env, observedSize + step), "mdb_env_set_mapsize(grow)")
        }
    }

    private func adoptResizedMap() throws {
        try gate.withExclusive { () throws(LMDBStatus) in
            try LMDBStatus.check(mdb_env_set_mapsize(env, 0), "mdb_env_set_mapsize(adopt)")
        }
    }
}

extension LMDBEnvironment {
    /// Entries in the unnamed main database (one per named database); 0 for a new environment.
    func mainDatabaseEntryCount() throws -> Int {
        try read { txn in
            var dbi = MDB_dbi()
            try LMDBStatus.check(mdb_dbi_open(txn.txn, nil, 0, &dbi), "mdb_dbi_open(main)")
            return try txn.count(dbi)
        }
    }
}
