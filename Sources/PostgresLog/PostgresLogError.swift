import PostgresNIO

/// Errors of the PostgreSQL event log, each naming the store (its URL without a password) and the reason.
public enum PostgresLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `--store` value is not a `postgres://USER@HOST:PORT/DB` URL.
    case invalidURL(reason: String)
    /// The database holds no DialerLedger log: `dialer-ledger log init --store …` creates one.
    case noLog(store: String)
    /// The database's log schema was written by a newer program.
    case newerSchema(store: String, found: Int32, supported: Int32)
    /// The database's log schema is older than this program's: `log init` migrates it.
    case olderSchema(store: String, found: Int32, supported: Int32)
    /// An append waited longer than the lock timeout for the log's head (another writer held it).
    case headLocked(store: String, waitedMilliseconds: Int64)
    /// No connection to the server could be made.
    case unreachable(store: String)
    /// The server refused an operation.
    case storage(store: String, reason: String)
    /// A stored row cannot be decoded.
    case corruptRow(seq: UInt64, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): return "--store: \(reason)"
        case .noLog(let store):
            return "\(store): no DialerLedger log here (create it with `dialer-ledger log init --store \(store)`)"
        case .newerSchema(let store, let found, let supported):
            return
                "\(store): log schema version \(found) is newer than this program reads (\(supported)); upgrade dialer-ledger"
        case .olderSchema(let store, let found, let supported):
            return
                "\(store): log schema version \(found) is older than this program's (\(supported)); migrate it with `dialer-ledger log init --store \(store)`"
        case .headLocked(let store, let waited):
            return "\(store): another writer held the log's head for more than \(waited) ms; the append was not made"
        case .unreachable(let store):
            return "\(store): no connection could be made (is the server up, and are the host, port and user right?)"
        case .storage(let store, let reason): return "\(store): storage error (\(reason))"
        case .corruptRow(let seq, let reason): return "seq \(seq): stored row is unreadable (\(reason))"
        }
    }

    /// `error` as this module's error: the server's SQLSTATE and message (never the query's bindings, which
    /// may hold payloads), a missing table as `noLog`, a lock timeout as `headLocked`.
    static func from(_ error: any Error, store: String, lockTimeoutMilliseconds: Int64) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        guard let info = psql.serverInfo else { return PostgresLogError.storage(store: store, reason: "\(psql.code)") }
        let state = info[.sqlState] ?? "?????"
        switch state {
        case "42P01", "3F000": return PostgresLogError.noLog(store: store)
        case "55P03": return PostgresLogError.headLocked(store: store, waitedMilliseconds: lockTimeoutMilliseconds)
        default: return PostgresLogError.storage(store: store, reason: "\(state): \(info[.message] ?? "no message")")
        }
    }
}
