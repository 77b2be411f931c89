import DialerCore
import Foundation
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The append-only event log in PostgreSQL, for several processes on one log: envelopes in columns of
/// `dialer_ledger.events` with the canonical payload as hashed, appends serialised on a head row so the
/// sequence stays gap-free and the hash chain single across writers, sealed by the same `ChainSealer` as
/// the LMDB log, and consistent reads in `REPEATABLE READ READ ONLY` transactions. Each append notifies
/// `dialer_ledger_appends` with the new head, which wakes the `waitForAppends` of every process. A `Service`:
/// its `run()` drives the connection pool and follows the notifications (with a periodic catch-up), so it
/// runs in the application's `ServiceGroup`, before anything that uses it.
public final class PostgresEventStore: EventStore, Service {
    /// Where the log lives.
    public let url: PostgresStoreURL
    let client: PostgresClient
    let logger: Logger
    private let clock: @Sendable () -> Timestamp
    /// How long an append waits for the head row held by another writer before it gives up.
    let lockTimeoutMilliseconds: Int64
    /// How many pooled connections this store holds right now: a wait for one longer than the connect timeout
    /// while fewer than `maximumConnections` are held means the server cannot be reached.
    let connectionsHeld = Atomic<Int>(0)
    /// The most connections the pool opens.
    let maximumConnections: Int
    /// The threads that run snapshot closures, which block on the server's replies: never Swift's
    /// cooperative threads. As many as the LMDB log's readers; running from `init` to `deinit`.
    let readers = NIOThreadPool(numberOfThreads: 4)
    /// The head as this process knows it, advanced by its own commits, by notifications and by catch-ups.
    let watch = AppendWatch()
    /// How often the head is read whatever the notifications say, so a lost one delays a wait by at most this.
    let catchUpInterval: Duration

    /// A store on the log at `url`, stamping `recorded_at` with `clock`; nothing connects until `run()`.
    /// `maximumConnections` bounds the pool (each snapshot and each append holds one connection).
    public init(
        url: PostgresStoreURL, clock: @escaping @Sendable () -> Timestamp = { Timestamp(Date()) },
        lockTimeoutMilliseconds: Int64 = 5_000, maximumConnections: Int = 20, catchUpInterval: Duration = .seconds(2),
        logger: Logger
    ) {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        // Every statement of the store's sessions waits at most this long for a lock: the head row's.
        configuration.options.additionalStartupParameters = [("lock_timeout", "\(lockTimeoutMilliseconds)")]
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        readers.start()
        (self.url, self.clock, self.lockTimeoutMilliseconds, self.logger) = (
            url, clock, lockTimeoutMilliseconds, logger
        )
        self.catchUpInterval = catchUpInterval
        self.maximumConnections = maximumConnections
    }

    deinit { readers.shutdownGracefully { _ in } }

    /// Drives the connection pool and follows other processes' appends until the task is cancelled or the
    /// service group shuts down gracefully.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.followAppends() } }
        }
    }

    /// Creates the log's schema, or migrates an older one to this program's version; refuses a newer one.
    /// Returns the version found (0 for none). Safe to run from several processes at once.
    public func initialize() async throws -> Int32 {
        try await inTransaction("BEGIN") { connection in
            try await PostgresLogSchema.migrate(on: connection, store: url.description, logger: logger)
        }
    }

    public func append(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        guard !drafts.isEmpty else { return [] }
        try Task.checkCancellation()
        // Handed over from here: an unstructured task, so cancelling the caller neither interrupts the
        // transaction nor leaves its outcome unknown.
        return try await Task { try await self.appendNow(drafts) }.value
    }

    private func appendNow(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        // Validating and encoding a large batch is most of an append's work: off the cooperative pool.
        let batch = try await readers.runIfActive {
            var system = SystemRandomNumberGenerator()
            var ids = EventIDGenerator(seededBy: &system)
            return try ValidatedBatch(drafts, ids: &ids)
        }
        let results = try await inTransaction("BEGIN") { connection in
            let head = try await lockHead(connection)
            let keys = batch.items.compactMap(\.idempotencyKey)
            let existing = keys.isEmpty ? [:] : try await sequences(forKeys: keys, connection)
            let sealed = batch.seal(after: head, now: clock()) { existing[$0] }
            try await store(sealed.appended, after: head, connection)
            return (sealed.results, sealed.appended.last?.seq)
        }
        if let head = results.1 { await watch.advance(to: head) }
        return results.0
    }

    /// Inserts `envelopes` (sealed after `head`, whose row this transaction holds), moves the head past them
    /// and folds them into the views (caught up first if behind), in `connection`'s open transaction.
    func store(_ envelopes: [Envelope], after head: LogHead, _ connection: PostgresConnection) async throws {
        if let last = envelopes.last {
            try await connection.rows(EventRow.insert(envelopes), logger: logger)
            try await connection.rows(
                """
                UPDATE dialer_ledger.head SET seq = \(Int64(last.seq)), hash = \(ByteBuffer(bytes: last.hash.bytes)),
                    recorded_at = 'epoch'::timestamptz + \(last.recordedAt.milliseconds)::bigint * interval '1 millisecond'
                """, logger: logger)
            // Delivered at commit, to every process listening.
            try await connection.rows("SELECT pg_notify(\(Self.appendsChannel), \(String(last.seq)))", logger: logger)
        }
        try await readers.runIfActive { [logger] in
            try PostgresViews(connection: connection, logger: logger).keep(head: head.seq, appended: envelopes)
        }
    }

    /// Locks the head row for this transaction (waiting at most the lock timeout) and reads it, checking
    /// the schema's version in the same statement.
    func lockHead(_ connection: PostgresConnection) async throws -> LogHead {
        let row = try await connection.rows(
            """
            SELECT h.seq, h.hash, (extract(epoch FROM h.recorded_at) * 1000)::bigint, f.version
            FROM dialer_ledger.head h, dialer_ledger.format f FOR UPDATE OF h
            """, logger: logger
        ).decodeFirst((Int64, ByteBuffer, Int64, Int32).self)
        guard let (seq, hash, recordedAt, version) = row, let digest = SHA256Digest(bytes: hash.readableBytesView)
        else { throw PostgresLogError.noLog(store: url.description) }
        _ = try PostgresLogSchema.checked(version, store: url.description)
        return LogHead(seq: UInt64(seq), hash: digest, recordedAt: Timestamp(milliseconds: recordedAt))
    }

    /// The sequences of those of `keys` already in the log.
    func sequences(forKeys keys: [String], _ connection: PostgresConnection) async throws -> [String: UInt64] {
        var found: [String: UInt64] = [:]
        let rows = try await connection.rows(
            "SELECT idempotency_key, seq FROM dialer_ledger.events WHERE idempotency_key = ANY(\(keys))", logger: logger
        )
        for row in rows {
            let (key, seq) = try row.decode((String, Int64).self)
            found[key] = UInt64(seq)
        }
        return found
    }
}
