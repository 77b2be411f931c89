import DialerCore
import PostgresNIO
import Synchronization

extension PostgresEventStore {
    /// Runs `body` on one of the store's reader threads against a `REPEATABLE READ READ ONLY` transaction
    /// on one pooled connection: the snapshot's reads block that thread (never a cooperative one) on the
    /// server's replies, and all see the log as of the transaction's first statement, which runs before
    /// `body` starts. A task cancelled before its read starts gets `CancellationError`.
    public func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R {
        try await withPostgresSnapshot(body)
    }

    /// `withSnapshot`, its closure given the PostgreSQL snapshot itself.
    func withPostgresSnapshot<R: Sendable>(_ body: @Sendable (PostgresSnapshot) throws -> R) async throws -> R {
        try Task.checkCancellation()
        return try await inTransaction("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY") { connection in
            let version = try await connection.rows("SELECT version FROM dialer_ledger.format", logger: logger)
                .decodeFirst(Int32.self)
            _ = try PostgresLogSchema.checked(version ?? 0, store: url.description)
            return try await onReader(connection, body)
        }
    }

    /// Runs `body` on a reader thread with a snapshot on `connection` (in its open transaction), and closes
    /// the snapshot after.
    func onReader<R: Sendable>(
        _ connection: PostgresConnection, _ body: @Sendable (PostgresSnapshot) throws -> R
    ) async throws -> R {
        try await withoutActuallyEscaping(body) { body in
            // The pool may keep its work item a moment after it completes; the box lets go of `body`
            // before then, as `withoutActuallyEscaping` requires.
            let box = Handover(body)
            defer { _ = box.take() }
            return try await readers.runIfActive { [logger] in
                guard let body = box.take() else { throw CancellationError() }
                let snapshot = PostgresSnapshot(connection: connection, logger: logger)
                defer { snapshot.close() }
                return try body(snapshot)
            }
        }
    }
}

/// A value handed to another thread and taken there at most once.
private final class Handover<Value: Sendable>: Sendable {
    private let slot: Mutex<Value?>

    init(_ value: Value) { slot = Mutex(value) }

    /// The value, the first time; nil after.
    func take() -> Value? { slot.withLock { $0.take() } }
}

/// A `REPEATABLE READ` transaction seen through `EventSnapshot`, read synchronously from a reader thread
/// (the futures it waits on complete on the connection's event loop); refuses use once its closure returned.
final class PostgresSnapshot: EventSnapshot {
    private let connection: PostgresConnection
    private let logger: Logger
    private var isOpen = true
    /// How many rows a scan reads per round trip.
    static let pageSize = 500

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func close() { isOpen = false }

    func rows(_ query: PostgresQuery) throws -> PostgresQueryResult {
        guard isOpen else { throw DialerCoreError.snapshotClosed }
        return try connection.rowsFuture(query, logger: logger).wait()
    }

    private func sequence(_ query: PostgresQuery) throws -> UInt64? {
        try rows(query).first.map { UInt64(try $0.decode(Int64.self)) }
    }

    func lastSequence() throws -> UInt64 {
        try sequence("SELECT seq FROM dialer_ledger.head") ?? 0
    }

    /// The view's rows as the appends keep them, read by key in this snapshot; nil before any append kept it.
    func storedView(_ name: String) throws -> StoredView? {
        let state = try rows(
            "SELECT slot, version, checkpoint FROM dialer_ledger.view_state WHERE name = \(name)"
        ).first?.decode((Int32, Int64, Int64).self)
        guard let (slot, version, checkpoint) = state else { return nil }
        return StoredView(
            version: UInt32(clamping: version), checkpoint: UInt64(checkpoint),
            rows: PostgresViewRows(view: name, slot: slot) { try self.rows($0) })
    }

    /// The head row: the newest sequence, hash and time as the appends recorded them.
    func headRow() throws -> (seq: UInt64, hash: [UInt8], recordedAt: Timestamp)? {
        try rows(
            "SELECT seq, hash, (extract(epoch FROM recorded_at) * 1000)::bigint FROM dialer_ledger.head"
        ).first.map { row in
            let (seq, hash, recordedAt) = try row.decode((Int64, ByteBuffer, Int64).self)
            return (UInt64(seq), Array(hash.readableBytesView), Timestamp(milliseconds: recordedAt))
        }
    }

    func envelope(at seq: UInt64) throws -> Envelope? {
        guard seq <= UInt64(Int64.max) else { return nil }
        return try rows(
            "SELECT \(unescaped: EventRow.columns) FROM dialer_ledger.events WHERE seq = \(Int64(seq))"
        ).first.map(EventRow.envelope)
    }

    func lastSequence(recordedAtOrBefore instant: Timestamp) throws -> UInt64 {
        // Past what a timestamptz holds (294276 AD), every event counts; before it (4713 BC), none.
        guard instant.milliseconds < 9_000_000_000_000_000 else { return try lastSequence() }
        guard instant.milliseconds > -200_000_000_000_000 else { return 0 }
        return try sequence(
            """
            SELECT seq FROM dialer_ledger.events
            WHERE recorded_at <= 'epoch'::timestamptz + \(instant.milliseconds)::bigint * interval '1 millisecond'
            ORDER BY recorded_at DESC, seq DESC LIMIT 1
            """) ?? 0
    }

    func sequence(forIdempotencyKey key: String) throws -> UInt64? {
        try sequence(
            "SELECT seq FROM dialer_ledger.events WHERE idempotency_key = \(CanonicalJSONWriter.nfc(key))")
    }

    /// Reads the matching events in pages of `pageSize`, each page after the last sequence of the one before,
    /// all in this snapshot's transaction.
    func scanInPlace(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws {
        var after = Int64(clamping: query.afterSeq)
        var through = Int64(clamping: query.throughSeq)
        var remaining = query.limit ?? .max
        while remaining > 0, after < through {
            let limit = min(remaining, Self.pageSize)
            var binds = PostgresBindings(capacity: 5)
            binds.append(after)
            binds.append(through)
            var sql = "SELECT \(EventRow.columns) FROM dialer_ledger.events WHERE seq > $1 AND seq <= $2"
            if let stream = query.stream {
                binds.append(CanonicalJSONWriter.nfc(stream))
                sql += " AND stream = $\(binds.count)"
            }
            if let type = query.type {
                binds.append(CanonicalJSONWriter.nfc(type))
                sql += " AND type = $\(binds.count)"
            }
            binds.append(Int64(limit))
            sql += " ORDER BY seq\(query.newestFirst ? " DESC" : "") LIMIT $\(binds.count)"
            let page = try rows(PostgresQuery(unsafeSQL: sql, binds: binds))
            for row in page {
                let envelope = try EventRow.envelope(row)
                guard try envelope.withView(visit) else { return }
                if query.newestFirst { through = Int64(envelope.seq) - 1 } else { after = Int64(envelope.seq) }
            }
            remaining -= page.count
            if page.count < limit { return }
        }
    }
}
