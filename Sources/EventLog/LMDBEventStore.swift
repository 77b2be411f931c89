import CLMDB
import DialerCore
import Foundation

/// The append-only event log in LMDB: gap-free big-endian sequence keys written with `MDB_APPEND`,
/// a SHA-256 hash chain, and indexes by stream, type, recorded time and idempotency key, all written in
/// the batch's single write transaction. Safe for many tasks and many processes at once. Its blocking
/// work runs on threads of its own, never on Swift's cooperative pool: appends one at a time on one
/// writer thread (`log-writer-1`, where the durable commit waits for the disk), reads on a small pool
/// (`log-reader-N`); transactions stay inside synchronous closures on those threads. The catalogue's views
/// are kept in the same environment and changed in each append's transaction (`LogViews`).
public final class LMDBEventStore: EventStore {
    /// How a log is opened.
    public enum Access: Sendable {
        /// Create the log if it is missing; append allowed.
        case readWrite
        /// Never create or write; works on read-only media.
        case readOnly
    }

    /// The log folder (holding `data.mdb` and `lock.mdb`).
    public let path: String
    let environment: LMDBEnvironment
    let databases: LogDatabases
    private let clock: @Sendable () -> Timestamp
    /// How many reader threads each open log has: enough for the server's concurrent reads on a small
    /// machine, few enough to leave LMDB's reader slots to other processes.
    static let readerThreads = 4
    let writer = StoreThreads(name: "log-writer", count: 1)
    /// The head as this store knows it: each of its commits advances it, and a wait polls the log for
    /// other processes' appends every `appendPoll`.
    private let watch = AppendWatch()
    static let appendPoll: Duration = .milliseconds(250)
    private let readers = StoreThreads(name: "log-reader", count: readerThreads)

    /// Opens the log in folder `path`, creating it when `access` is `.readWrite`. `initialMapSize` is
    /// where the map starts; it grows by itself when full. `clock` stamps `recorded_at`.
    public init(
        path: String, access: Access = .readWrite, initialMapSize: Int = 64 << 20,
        clock: @escaping @Sendable () -> Timestamp = Timestamp.systemNow
    ) throws {
        self.path = path
        self.clock = clock
        let createdFolder = try LogFolder.preflight(path: path, access: access)
        do {
            environment = try LogFolder.openEnvironment(path: path, access: access, mapSize: initialMapSize)
            databases = try LogFolder.openDatabases(environment, path: path, access: access)
        } catch {
            if createdFolder { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }

    deinit {
        writer.stop()
        readers.stop()
    }

    /// Appends handed to the writer thread and not yet started.
    var writerQueueLength: Int { writer.queuedCount }

    /// The current size of the memory map in bytes.
    public var mapSize: Int { environment.mapSize }

    /// Appends on the writer thread. Cancellation counts only before the batch is handed over: then the
    /// call throws `CancellationError` and nothing is written; once handed over, the append completes
    /// (committed or failed as a whole) and its outcome is returned even if the task was cancelled.
    public func append(_ drafts: [EventDraft]) async throws -> [AppendResult] {
        guard !drafts.isEmpty else { return [] }
        try Task.checkCancellation()
        let results = try await writer.run(cancellable: false) { try self.appendNow(drafts) }
        if let last = results.last(where: { if case .appended = $0 { true } else { false } }) {
            await watch.advance(to: last.seq)
        }
        return results
    }

    private func appendNow(_ drafts: [EventDraft]) throws -> [AppendResult] {
        let board = PackingBoard(drafts)
        defer { board.close() }
        let dbs = databases
        return try translatingErrors {
            try environment.write { txn in
                let head = try Self.head(txn, dbs)
                let viewStates = try LogViews.catchUp(txn, dbs, head: head.seq)
                var sealer = ChainSealer(after: head, now: clock(), count: drafts.count)
                var viewedSeqs: [UInt64] = []
                if board.count > 1 {
                    sealer = try storePipelined(board, sealer, txn, dbs, viewedSeqs: &viewedSeqs)
                } else {
                    for index in 0..<board.count {
                        let chunk = try board.chunk(index)
                        try chunk.seal(&sealer) { key in
                            try txn.withValue(dbs.byIdempotencyKey, key: Array(key.utf8)) {
                                $0.flatMap(IndexKey.trailingSeq)
                            }
                        }
                        try chunk.store(recordedAt: sealer.recordedAt, txn, dbs, viewedSeqs: &viewedSeqs)
                    }
                }
                // The time index holds one entry per run of equal recorded times (the run's first seq).
                let continuesRun = head.seq > 0 && sealer.recordedAt == head.recordedAt
                if sealer.head.seq > head.seq && !continuesRun {
                    try txn.put(
                        dbs.byTime, key: IndexKey.time(sealer.recordedAt, seq: head.seq + 1), value: [], append: true)
                }
                try LogViews.foldAppended(seqs: viewedSeqs, states: viewStates, txn, dbs, head: sealer.head.seq)
                return sealer.results
            }
        }
    }

    /// Stores a batch of several chunks while a `SealingLine` seals the ones after; returns the sealer
    /// after the last chunk. Keys already in the log are looked up in a read transaction begun inside the
    /// write transaction, which sees what it sees: no other writer can commit until it ends.
    private func storePipelined(
        _ board: PackingBoard, _ sealer: ChainSealer, _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases,
        viewedSeqs: inout [UInt64]
    ) throws -> ChainSealer {
        let environment = environment
        let line = SealingLine(board, sealer: sealer) { body in
            guard board.hasIdempotencyKeys else { return try body { _ in nil } }
            try environment.read { read in
                try body { key in
                    try read.withValue(dbs.byIdempotencyKey, key: Array(key.utf8)) { $0.flatMap(IndexKey.trailingSeq) }
                }
            }
        }
        do {
            for index in 0..<board.count {
                try line.sealed(index).store(recordedAt: sealer.recordedAt, txn, dbs, viewedSeqs: &viewedSeqs)
            }
            return try line.finish()
        } catch {
            line.stop()
            throw error
        }
    }

    /// Woken by this store's commits at once, and by other processes' within `appendPoll`.
    public func waitForAppends(after seq: UInt64) async throws -> UInt64 {
        while true {
            let head = try await lastSequence()
            await watch.advance(to: head)
            if head > seq { return head }
            let woken = try await firstOf(
                { try await self.watch.wait(after: seq) }, orTimer: { try await Task.sleep(for: Self.appendPoll) })
            if let woken { return woken }
        }
    }

    /// Reads on a reader thread; a task cancelled while its read waits for a thread gets `CancellationError`.
    public func withSnapshot<R: Sendable>(_ body: @Sendable (any EventSnapshot) throws -> R) async throws -> R {
        try await onReader { try self.readNow(body) }
    }

    /// Runs blocking read work on a reader thread (cancellable while it waits for one).
    func onReader<R: Sendable>(_ work: @Sendable () throws -> R) async throws -> R {
        try await readers.run(cancellable: true, work)
    }

    private func readNow<R>(_ body: (any EventSnapshot) throws -> R) throws -> R {
        try translatingErrors {
            try environment.read { txn in
                let snapshot = LMDBSnapshot(txn: txn.txn, databases: databases)
                defer { snapshot.close() }
                return try body(snapshot)
            }
        }
    }

    /// The newest event's sequence, hash and time, read inside `txn`.
    static func head(_ txn: borrowing some LMDBReading & ~Copyable, _ dbs: LogDatabases) throws -> LogHead {
        try txn.withCursor(dbs.events) { cursor in
            guard try cursor.last() else { return .empty }
            let seq = IndexKey.trailingSeq(cursor.key) ?? 0
            return LogHead(after: try EnvelopeRecord.decode(cursor.value, seq: seq))
        }
    }

    /// Runs `body`, turning LMDB codes into `EventLogError`s that name this log's path.
    func translatingErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let status as LMDBStatus {
            throw EventLogError.storage(path: path, reason: status.description)
        }
    }
}

extension Timestamp {
    /// The system clock, to the millisecond: the default clock of the LMDB log.
    @Sendable public static func systemNow() -> Timestamp {
        Timestamp(Date())
    }
}
