import CLMDB

/// The named LMDB databases of one log.
struct LogDatabases: Sendable {
    /// Names in opening order.
    static let names = ["events", "by_stream", "by_type", "by_time", "by_idempotency_key", "meta"]

    let events: MDB_dbi
    let byStream: MDB_dbi
    let byType: MDB_dbi
    let byTime: MDB_dbi
    let byIdempotencyKey: MDB_dbi
    let meta: MDB_dbi

    init(_ handles: [MDB_dbi]) {
        precondition(handles.count == Self.names.count)
        events = handles[0]
        byStream = handles[1]
        byType = handles[2]
        byTime = handles[3]
        byIdempotencyKey = handles[4]
        meta = handles[5]
    }
}

/// The marker that makes an LMDB environment a DialerLedger log, and its format version.
enum LogFormat {
    static let nameKey = Array("format".utf8)
    static let name = Array("dialer-ledger-log".utf8)
    static let versionKey = Array("format_version".utf8)
    /// The format this program writes and reads.
    static let version: UInt32 = 1
}
