import CLMDB
import DialerCore
import Foundation

/// The append-only event log in LMDB: gap-free big-endian sequence keys written with `MDB_APPEND`,
/// a SHA-256 hash chain, and indexes by stream, type, recorded time and idempotency key, all written in
/// the batch's single write transaction. Safe for many threads and many processes at once.
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

    /// The current size of the memory map in bytes.
    public var mapSize: Int { environment.mapSize }

    public func append(_ drafts: [EventDraft]) throws -> [AppendResult] {
        guard !drafts.isEmpty else { return [] }
        let board = PackingBoard(drafts)
        defer { board.close() }
        let dbs = databases
        return try translatingErrors {
            try environment.write { txn in
                let head = try Self.head(txn, dbs)
                var sealer = ChainSealer(after: head, now: clock(), count: drafts.count)
                for index in 0..<board.count {
                    try board.chunk(index).store(sealing: &sealer, txn, dbs) { key in
                        try txn.withValue(dbs.byIdempotencyKey, key: Array(key.utf8)) {
                            $0.flatMap(IndexKey.trailingSeq)
                        }
                    }
                }
                // The time index holds one entry per run of equal recorded times (the run's first seq).
                let continuesRun = head.seq > 0 && sealer.recordedAt == head.recordedAt
                if sealer.head.seq > head.seq && !continuesRun {
                    try txn.put(
                        dbs.byTime, key: IndexKey.time(sealer.recordedAt, seq: head.seq + 1), value: [], append: true)
                }
                return sealer.results
            }
        }
    }

    public func withSnapshot<Result>(_ body: (any EventSnapshot) throws -> Result) throws -> Result {
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
