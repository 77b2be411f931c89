import DialerCore
import PostgresNIO

/// Errors of the PostgreSQL event log, each naming the store (its URL without a password) and the reason.
public enum PostgresLogError: CategorizedError, Equatable {
    /// A `postgres:` value (of `field`: `--store`, `--from`, …) is not a `postgres://USER@HOST:PORT/DB` URL.
    case invalidURL(field: String, reason: String)
    /// The database holds no DialerLedger log: `dialer-ledger log init --store …` creates one.
    case noLog(store: String)
    /// The database's log schema was written by a newer program.
    case newerSchema(store: String, found: Int32, supported: Int32)
    /// The database's log schema is older than this program's: `log init` migrates it.
    case olderSchema(store: String, found: Int32, supported: Int32)
    /// An append waited longer than the lock timeout for the log's head (another writer held it).
    case headLocked(store: String, waitedMilliseconds: Int64)
    /// No connection to the server could be made within the connect timeout.
    case unreachable(store: String, seconds: Int)
    /// The connection was lost (the server restarted, the network failed) before the server answered.
    case connectionLost(store: String, reason: String)
    /// The server refused an operation.
    case storage(store: String, reason: String)
    /// A stored row cannot be decoded.
    case corruptRow(seq: UInt64, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let field, let reason): return "\(field): \(reason)"
        case .noLog(let store):
            return "\(store): no DialerLedger log here (create it with `dialer-ledger log init --store \(store)`)"
        case .newerSchema(let store, let found, let supported):
            return
                "\(store): log schema version \(found) is newer than this program reads (\(supported)); upgrade dialer-ledger"
        case .olderSchema(let store, let found, let supported):
            return
                "\(store): log schema version \(found) is older than this program's (\(supported)); migrate it with `dialer-ledger log init --store \(store)`"
        case .headLocked(let store, let waited):
            return
                "\(store): the log is busy: another writer held its head for more than \(waited) ms; the append was not made (try again)"
        case .unreachable(let store, let seconds):
            return
                "\(store): no connection within \(seconds) s (is the server up, and are the host, port and user right?)"
        case .connectionLost(let store, let reason):
            return
                "\(store): the connection to the server was lost (\(reason)); an append cut short may or may not be recorded: retrying it with its idempotency key cannot record it twice"
        case .storage(let store, let reason): return "\(store): storage error (\(reason))"
        case .corruptRow(let seq, let reason): return "seq \(seq): stored row is unreadable (\(reason))"
        }
    }

    /// A bad URL is invalid input, an undecodable row a damaged log; everything else leaves the log unavailable.
    public var category: ErrorCategory {
        switch self {
        case .invalidURL(let field, _): .invalid(field: field)
        case .corruptRow: .corrupt
        case .noLog, .newerSchema, .olderSchema, .headLocked, .unreachable, .connectionLost, .storage: .unavailable
        }
    }

    /// Whether the same operation may succeed later unchanged: the server was unreachable, the connection
    /// was lost, or another writer held the head.
    public var isTransient: Bool {
        switch self {
        case .headLocked, .unreachable, .connectionLost: true
        default: false
        }
    }

    /// `error` as this module's error: the server's SQLSTATE and message (never the query's bindings, which
    /// may hold payloads), a missing table as `noLog`, a lock timeout as `headLocked`, a connection closed
    /// under the operation (or the server shutting down) as `connectionLost`.
    static func from(_ error: any Error, store: String, lockTimeoutMilliseconds: Int64) -> any Error {
        if error is ConnectionClosedError {
            return PostgresLogError.connectionLost(store: store, reason: "the server had closed the connection")
        }
        guard let psql = error as? PSQLError else { return error }
        guard let info = psql.serverInfo else {
            switch psql.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
                return PostgresLogError.connectionLost(store: store, reason: "\(psql.code)")
            default: return PostgresLogError.storage(store: store, reason: "\(psql.code)")
            }
        }
        let state = info[.sqlState] ?? "?????"
        let message = "\(state): \(info[.message] ?? "no message")"
        switch state {
        case "42P01", "3F000": return PostgresLogError.noLog(store: store)
        case "55P03": return PostgresLogError.headLocked(store: store, waitedMilliseconds: lockTimeoutMilliseconds)
        // Class 08 (connection exception) and 57P (the server shutting down, restarting or not yet up).
        case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
            return PostgresLogError.connectionLost(store: store, reason: message)
        default: return PostgresLogError.storage(store: store, reason: message)
        }
    }
}
