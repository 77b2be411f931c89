import DialerCore
import EventLog
import Logging
import Pipelines
import PostgresLog

/// The logs the maintenance commands (`verify`, `views rebuild`, `log copy`) open themselves, without the
/// rest of the application: a STORE is a `postgres://` URL or a data folder holding an LMDB log.
enum StoredLogs {
    /// Runs `body` with the log `store` names: a PostgreSQL log (its connection pool running meanwhile; its
    /// schema created first when `initializing`), else the LMDB log in the data folder `store` (created when
    /// `access` is `.readWrite`).
    /// A value starting `postgres:` that is not a URL is refused naming `field`, never taken for a folder.
    static func with<R>(
        _ store: String, field: String, access: LMDBEventStore.Access, initializing: Bool = false,
        _ body: (any StoredLog) async throws -> R
    ) async throws -> R {
        guard PostgresStoreURL.isPostgres(store) else {
            return try await body(try LMDBEventStore(path: store + "/log", access: access))
        }
        return try await with(try PostgresStoreURL(store, field: field), initializing: initializing, body)
    }

    /// Runs `body` with the PostgreSQL log at `url`, its connection pool running meanwhile.
    static func with<R>(
        _ url: PostgresStoreURL, initializing: Bool = false, _ body: (any StoredLog) async throws -> R
    ) async throws -> R {
        let logger = Logger(label: "dialer-ledger")
        let store = PostgresEventStore(url: url, logger: logger)
        return try await runningServices([store], logger: logger) {
            if initializing { _ = try await store.initialize() }
            return try await body(store)
        }
    }
}

extension DataOptions {
    /// Runs `body` with the log `--store` names, else the LMDB log in the data folder, opened as `access` says.
    func withStoredLog<R>(access: LMDBEventStore.Access, _ body: (any StoredLog) async throws -> R) async throws -> R {
        if let url = try postgresStore() { return try await StoredLogs.with(url, body) }
        return try await body(try LMDBEventStore(path: logPath, access: access))
    }
}
