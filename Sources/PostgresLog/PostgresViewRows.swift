import DialerCore
import PostgresNIO

/// One slot of one view's rows in `dialer_ledger.view_rows`, read synchronously through `query` (which
/// blocks a store's own thread on the server's reply, inside the transaction that owns the connection):
/// point reads remembered (the rows do not change under a reader: a snapshot's are fixed, and a writer's
/// changes stay in an `OverlayRows` over it until written), key ranges read in pages by key, either way.
final class PostgresViewRows: ViewRowReading {
    private let view: String
    private let slot: Int32
    private let query: (PostgresQuery) throws -> PostgresQueryResult
    private var known: [[UInt8]: [UInt8]?] = [:]

    init(view: String, slot: Int32, query: @escaping (PostgresQuery) throws -> PostgresQueryResult) {
        self.view = view
        self.slot = slot
        self.query = query
    }

    /// Rows read on `connection` in its open transaction, blocking the calling thread (never a cooperative one).
    convenience init(view: String, slot: Int32, connection: PostgresConnection, logger: Logger) {
        self.init(view: view, slot: slot) { try connection.rowsFuture($0, logger: logger).wait() }
    }

    func value(forKey key: [UInt8]) throws -> [UInt8]? {
        if let remembered = known[key] { return remembered }
        let found = try query(
            """
            SELECT value FROM dialer_ledger.view_rows
            WHERE view = \(view) AND slot = \(slot) AND key = \(ByteBuffer(bytes: key))
            """
        ).first.map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
        known[key] = .some(found)
        return found
    }

    /// Reads pages of growing size (a short read, as a page of the audit trail, stays short), each after the
    /// last key of the one before (before it, descending).
    func scan(_ range: ViewKeyRange, descending: Bool, _ visit: ([UInt8], [UInt8]) throws -> Bool) throws {
        var lower = range.lower
        var upper = range.upper
        var pageSize = 64
        while true {
            var binds = PostgresBindings(capacity: 5)
            binds.append(view)
            binds.append(slot)
            binds.append(ByteBuffer(bytes: lower))
            var sql = "SELECT key, value FROM dialer_ledger.view_rows WHERE view = $1 AND slot = $2 AND key >= $3"
            if let upper {
                binds.append(ByteBuffer(bytes: upper))
                sql += " AND key < $4"
            }
            binds.append(Int64(pageSize))
            sql += " ORDER BY key\(descending ? " DESC" : "") LIMIT $\(binds.count)"
            let page = try query(PostgresQuery(unsafeSQL: sql, binds: binds))
            var last: [UInt8]?
            for row in page {
                let (key, value) = try row.decode((ByteBuffer, ByteBuffer).self)
                last = Array(key.readableBytesView)
                guard try visit(last!, Array(value.readableBytesView)) else { return }
            }
            guard let last, page.count == pageSize else { return }
            // The next key up is the last one with a NUL after it; down, the last one is the new bound.
            if descending { upper = last } else { lower = last + [0] }
            pageSize = min(pageSize * 4, 1_024)
        }
    }
}
