import CLMDB
import DialerCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks and opens the folder of a log, so every refusal names the path and the reason and leaves
/// nothing written.
enum LogFolder {
    /// Refuses folders that cannot hold a log; creates a missing folder for `.readWrite`.
    /// Returns whether it created the folder.
    static func preflight(path: String, access: LMDBEventStore.Access) throws -> Bool {
        var isDirectory: ObjCBool = false
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            guard access == .readWrite else { throw EventLogError.noLog(path: path) }
            do {
                try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw EventLogError.notWritable(path: path, reason: reason(errno: errno, fallback: error))
            }
            return true
        }
        guard isDirectory.boolValue else {
            throw EventLogError.notALog(path: path, reason: "it is a file, not a folder")
        }
        let dataFile = path + "/data.mdb"
        if fileManager.fileExists(atPath: dataFile) {
            try checkLMDBHeader(dataFile, logPath: path)
        } else if access == .readOnly {
            throw EventLogError.noLog(path: path)
        } else {
            let others = (try? fileManager.contentsOfDirectory(atPath: path))?.filter { $0 != "lock.mdb" } ?? []
            guard others.isEmpty else {
                throw EventLogError.notALog(
                    path: path,
                    reason: "the folder holds other files (\(others.sorted().prefix(3).joined(separator: ", ")))")
            }
        }
        if access == .readWrite, Glibc.access(path, W_OK) != 0 {
            throw EventLogError.notWritable(path: path, reason: String(cString: strerror(errno)))
        }
        return false
    }

    /// Reads the data file's meta pages before anything maps it: a foreign or cut-short file is refused.
    private static func checkLMDBHeader(_ dataFile: String, logPath: String) throws {
        do {
            try LMDBDataFile.check(path: dataFile)
        } catch .notLMDB(let reason) {
            throw EventLogError.notALog(path: logPath, reason: reason)
        } catch .damaged(let reason) {
            throw EventLogError.damaged(path: logPath, reason: reason)
        }
    }

    static func openEnvironment(path: String, access: LMDBEventStore.Access, mapSize: Int) throws -> LMDBEnvironment {
        let readOnly = access == .readOnly
        do {
            return try LMDBEnvironment(
                path: path, mapSize: mapSize, readOnly: readOnly, noLock: false, maxDatabases: 16)
        } catch let status where readOnly && isPermission(status.code) {
            // Read-only media: no lock file can be made, and no writer can be there either.
            do {
                return try LMDBEnvironment(path: path, mapSize: mapSize, readOnly: true, noLock: true, maxDatabases: 16)
            } catch {
                throw translate(error, path: path)
            }
        } catch {
            throw translate(error, path: path)
        }
    }

    static func openDatabases(_ env: LMDBEnvironment, path: String, access: LMDBEventStore.Access) throws
        -> LogDatabases
    {
        do {
            if let handles = try env.openDatabases(LogDatabases.names, create: false) {
                var dbs = LogDatabases(handles)
                try env.read { txn in try checkFormat(txn, dbs, path: path) }
                dbs.views = try openViewDatabases(env, access: access)
                return dbs
            }
            let entries = try env.mainDatabaseEntryCount()
            guard entries == 0 else {
                throw EventLogError.notALog(path: path, reason: "an LMDB file without a DialerLedger format marker")
            }
            guard access == .readWrite else { throw EventLogError.noLog(path: path) }
            guard let handles = try env.openDatabases(LogDatabases.names, create: true) else {
                throw EventLogError.storage(path: path, reason: "databases could not be created")
            }
            var dbs = LogDatabases(handles)
            try env.write { txn in
                if try txn.contains(dbs.meta, key: LogFormat.nameKey) {
                    try checkFormat(txn, dbs, path: path)
                } else {
                    try txn.put(dbs.meta, key: LogFormat.nameKey, value: LogFormat.name)
                    try txn.put(dbs.meta, key: LogFormat.versionKey, value: IndexKey.seq(UInt64(LogFormat.version)))
                }
            }
            dbs.views = try openViewDatabases(env, access: access)
            return dbs
        } catch {
            throw translate(error, path: path)
        }
    }

    /// The views' databases, created when writable (a log from before views gets them here, empty: the
    /// next append folds them); nil when read-only and missing.
    private static func openViewDatabases(_ env: LMDBEnvironment, access: LMDBEventStore.Access) throws
        -> ViewDatabases?
    {
        guard let handles = try env.openDatabases(ViewDatabases.names, create: access == .readWrite) else { return nil }
        return ViewDatabases(handles, main: try env.mainDatabase())
    }

    private static func checkFormat(_ txn: borrowing some LMDBReading & ~Copyable, _ dbs: LogDatabases, path: String)
        throws
    {
        let name = try txn.withValue(dbs.meta, key: LogFormat.nameKey) { $0.map(Array.init) }
        guard name == LogFormat.name else {
            throw EventLogError.notALog(path: path, reason: "missing or foreign format marker")
        }
        let version = try txn.withValue(dbs.meta, key: LogFormat.versionKey) { $0.flatMap(IndexKey.trailingSeq) }
        guard let version, version >= 1 else {
            throw EventLogError.notALog(path: path, reason: "missing format version")
        }
        guard version <= UInt64(LogFormat.version) else {
            throw EventLogError.newerFormat(path: path, found: UInt32(clamping: version), supported: LogFormat.version)
        }
    }

    private static func isPermission(_ code: Int32) -> Bool { code == EACCES || code == EROFS || code == EPERM }

    private static func translate(_ error: any Error, path: String) -> any Error {
        guard let status = error as? LMDBStatus else { return error }
        if isPermission(status.code) {
            return EventLogError.notWritable(path: path, reason: String(cString: strerror(status.code)))
        }
        switch status.code {
        case MDB_INVALID: return EventLogError.notALog(path: path, reason: "data.mdb is not an LMDB file")
        case MDB_VERSION_MISMATCH:
            return EventLogError.notALog(path: path, reason: "written by an incompatible LMDB version")
        default: return EventLogError.storage(path: path, reason: status.description)
        }
    }

    private static func reason(errno code: Int32, fallback: any Error) -> String {
        code != 0 ? String(cString: strerror(code)) : "\(fallback)"
    }
}
