import CLMDB

#if canImport(Glibc)
    import Glibc
#endif

/// One LMDB environment (a folder with `data.mdb` and `lock.mdb`): the only owner of `mdb_env_*` calls.
/// Transactions are synchronous closures over borrowed non-copyable handles. The map grows by itself
/// on `MDB_MAP_FULL`, and adopts a size grown by another process on `MDB_MAP_RESIZED`. Writers hold a
/// lock on the folder of their own, and rejoin the current `lock.mdb` when theirs was replaced.
final class LMDBEnvironment: @unchecked Sendable {
    /// The folder holding the environment.
    let path: String
    /// Whether the environment was opened read-only.
    let readOnly: Bool
    private let noLock: Bool
    private let maxDatabases: UInt32
    /// Replaced only by `rejoinLockFile`, holding the gate exclusively.
    private var env: OpaquePointer
    /// Why the environment could not be opened again after `rejoinLockFile` closed it; then nothing works.
    private var reopenFailure: LMDBStatus?
    private let gate = ReaderWriterLock()
    private let writeLock: FolderWriteLock?
    /// The databases opened so far, in order: reopened in this order they get the same handles.
    private var openedDatabases: [(name: String, dbi: MDB_dbi)] = []

    /// Opens (creating files when writable) the environment in the existing folder `path`.
    init(path: String, mapSize: Int, readOnly: Bool, noLock: Bool, maxDatabases: UInt32) throws(LMDBStatus) {
        env = try Self.open(path, mapSize: mapSize, readOnly: readOnly, noLock: noLock, maxDatabases: maxDatabases)
        do {
            writeLock = readOnly ? nil : try FolderWriteLock(path: path)
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.path = path
        self.readOnly = readOnly
        self.noLock = noLock
        self.maxDatabases = maxDatabases
    }

    private static func open(
        _ path: String, mapSize: Int, readOnly: Bool, noLock: Bool, maxDatabases: UInt32
    ) throws(LMDBStatus) -> OpaquePointer {
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
        return handle
    }

    deinit { if reopenFailure == nil { mdb_env_close(env) } }

    /// The current map size in bytes.
    var mapSize: Int { gate.withShared { currentMapSize } }

    /// The map size, read where no resize can run: `mdb_env_info` reads the meta pages inside the map,
    /// which a concurrent `mdb_env_set_mapsize` unmaps. Call it only holding the gate.
    private var currentMapSize: Int {
        guard reopenFailure == nil else { return 0 }
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// The environment handle, unless reopening it failed.
    private func liveEnv() throws(LMDBStatus) -> OpaquePointer {
        if let reopenFailure { throw reopenFailure }
        return env
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
        let handles = create ? try write { txn in try open(txn.txn) } : try read { txn in try open(txn.txn) }
        if let handles {
            gate.withExclusive {
                for (name, dbi) in zip(names, handles) where !openedDatabases.contains(where: { $0.dbi == dbi }) {
                    openedDatabases.append((name, dbi))
                }
            }
        }
        return handles
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot for its whole length.
    func read<R>(_ body: (borrowing LMDBReadTransaction) throws -> R) throws -> R {
        while true {
            let outcome: R? = try gate.withShared {
                var txn: OpaquePointer?
                let code = mdb_txn_begin(try liveEnv(), nil, UInt32(MDB_RDONLY), &txn)
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

    /// What one attempt at a write transaction came to.
    private enum WriteAttempt<R> {
        case committed(R)
        case mapResized
        case staleLockFile
    }

    /// Runs `body` in a write transaction and commits it, holding the folder's write lock. On
    /// `MDB_MAP_FULL` the transaction is aborted, the map grows, and `body` runs again from the start, so
    /// it must depend only on what it reads; so it does after rejoining a replaced `lock.mdb`.
    func write<R>(_ body: (borrowing LMDBWriteTransaction) throws -> R) throws -> R {
        while true {
            var observedSize = 0
            let attempt: WriteAttempt<R>
            do {
                attempt = try holdingWriteLock {
                    let attempt = try gate.withShared { () throws -> WriteAttempt<R> in
                        observedSize = currentMapSize
                        var txn: OpaquePointer?
                        let code = mdb_txn_begin(try liveEnv(), nil, 0, &txn)
                        if code == MDB_MAP_RESIZED { return .mapResized }
                        try LMDBStatus.check(code, "mdb_txn_begin(write)")
                        // Another writer's commits went through another lock.mdb: this one's txnid is behind.
                        guard mdb_txn_id(txn) == lastCommittedTxnid + 1 else {
                            mdb_txn_abort(txn)
                            return .staleLockFile
                        }
                        let result: R
                        do {
                            result = try body(LMDBWriteTransaction(txn: txn!))
                        } catch {
                            mdb_txn_abort(txn)
                            throw error
                        }
                        // mdb_txn_commit frees the transaction whether it succeeds or not.
                        try LMDBStatus.check(mdb_txn_commit(txn), "mdb_txn_commit")
                        return .committed(result)
                    }
                    if case .staleLockFile = attempt { try rejoinLockFile() }
                    return attempt
                }
            } catch let status as LMDBStatus where status.isMapFull {
                try grow(from: observedSize)
                continue
            }
            switch attempt {
            case .committed(let result): return result
            case .mapResized: try adoptResizedMap()
            case .staleLockFile: continue
            }
        }
    }

    private func holdingWriteLock<R>(_ body: () throws -> R) throws -> R {
        guard let writeLock else { return try body() }
        return try writeLock.withLock(body)
    }

    /// The txnid of the newest meta page of the data file (not of `lock.mdb`, which may be stale).
    private var lastCommittedTxnid: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_last_txnid
    }

    /// Whether `lock.mdb` as this environment sees it is in step with the data file.
    private func lockFileInStep() throws(LMDBStatus) -> Bool {
        var txn: OpaquePointer?
        try LMDBStatus.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin(read)")
        defer { mdb_txn_abort(txn) }
        return mdb_txn_id(txn) == lastCommittedTxnid
    }

    /// Reopens the environment (holding the write lock, so no commit can happen meanwhile) to use the
    /// current `lock.mdb`; if that one is behind too, replaces it with a new one, which LMDB fills in
    /// from the data file. Database handles keep their numbers.
    private func rejoinLockFile() throws {
        try gate.withExclusive {
            _ = try liveEnv()
            for discarding in [false, true] {
                let mapSize = currentMapSize
                // Closed before reopening: closing a second handle on the same lock.mdb would drop the
                // fcntl locks LMDB holds on it for the new one.
                mdb_env_close(env)
                if discarding { unlink(path + "/lock.mdb") }
                do throws(LMDBStatus) {
                    env = try Self.open(
                        path, mapSize: mapSize, readOnly: readOnly, noLock: noLock, maxDatabases: maxDatabases)
                } catch {
                    reopenFailure = error
                    throw error
                }
                try reopenDatabases()
                if try lockFileInStep() { return }
            }
            throw LMDBStatus(code: MDB_CORRUPTED, operation: "lock.mdb stays behind data.mdb after being replaced")
        }
    }

    private func reopenDatabases() throws(LMDBStatus) {
        var txn: OpaquePointer?
        try LMDBStatus.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin(read)")
        for (name, expected) in openedDatabases {
            var dbi = MDB_dbi()
            let code = mdb_dbi_open(txn, name, 0, &dbi)
            guard code == 0, dbi == expected else {
                mdb_txn_abort(txn)
                throw LMDBStatus(code: code == 0 ? MDB_BAD_DBI : code, operation: "mdb_dbi_open(\(name)) on reopening")
            }
        }
        try LMDBStatus.check(mdb_txn_commit(txn), "mdb_txn_commit(read)")
    }

    /// Forces the data file to disk (for environments opened without sync, never the default).
    func sync() throws { try LMDBStatus.check(mdb_env_sync(try liveEnv(), 1), "mdb_env_sync") }

    private func grow(from observedSize: Int) throws {
        try gate.withExclusive { () throws(LMDBStatus) in
            guard currentMapSize <= observedSize else { return }
            let step = Swift.min(observedSize, 1 << 30)
            try LMDBStatus.check(mdb_env_set_mapsize(try liveEnv(), observedSize + step), "mdb_env_set_mapsize(grow)")
        }
    }

    private func adoptResizedMap() throws {
        try gate.withExclusive { () throws(LMDBStatus) in
            try LMDBStatus.check(mdb_env_set_mapsize(try liveEnv(), 0), "mdb_env_set_mapsize(adopt)")
        }
    }
}

extension LMDBEnvironment {
    /// Entries in the unnamed main database (the named databases and the views' states); 0 for a new
    /// environment.
    func mainDatabaseEntryCount() throws -> Int {
        let main = try mainDatabase()
        return try read { txn in try txn.count(main) }
    }

    /// The handle of the unnamed main database, which holds the named databases' records: every commit that
    /// changes a named database writes its page.
    func mainDatabase() throws -> MDB_dbi {
        try read { txn in
            var dbi = MDB_dbi()
            try LMDBStatus.check(mdb_dbi_open(txn.txn, nil, 0, &dbi), "mdb_dbi_open(main)")
            return dbi
        }
    }
}
