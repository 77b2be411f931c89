import CLMDB
import DialerCore

/// What `verify` found: counts for a sound log, or the first problem.
public struct LogVerification: Sendable, Equatable {
    /// Events walked.
    public var eventCount: UInt64 = 0
    /// Hash of the newest event (zero for an empty log).
    public var head: SHA256Digest = .zero
    /// Distinct streams.
    public var streamCount = 0
    /// Distinct types.
    public var typeCount = 0
    /// Events carrying an idempotency key.
    public var idempotencyKeyCount = 0
    /// Runs of events recorded at the same instant (one time-index entry each).
    public var timeRunCount = 0
    /// The first problem, or nil when the log is sound.
    public var problem: LogProblem?

    /// An empty report, filled in by `verify`.
    public init() {}
}

/// One fault in a log: the first bad sequence (when one is to blame) and what is wrong.
public struct LogProblem: Sendable, Equatable, CustomStringConvertible {
    /// The sequence at fault.
    public var seq: UInt64?
    /// What is wrong.
    public var reason: String

    public var description: String { seq.map { "seq \($0): \(reason)" } ?? reason }
}

extension LMDBEventStore {
    /// Walks the whole chain and every index tree in one snapshot: gap-free sequence, decodable records,
    /// hashes that match their content, links to the previous hash, canonical payloads, monotone time,
    /// each event in every index it belongs to, each index entry well formed and agreeing with its
    /// event, and every view's rows equal to a fresh fold of the log. Stops at the first problem.
    public func verify() async throws -> LogVerification {
        try await onReader { try self.verifyNow() }
    }

    private func verifyNow() throws -> LogVerification {
        let dbs = databases
        return try translatingErrors {
            do {
                return try environment.read { txn in
                    var report = LogVerification()
                    report.problem = try Self.verifyChain(txn, dbs, &report)
                    if report.problem == nil {
                        report.problem = try Self.verifyIndexes(txn, dbs, report)
                    }
                    if report.problem == nil { report.problem = try Self.verifyViews(txn, dbs) }
                    return report
                }
            } catch let status as LMDBStatus where status.isDamage {
                var report = LogVerification()
                report.problem = LogProblem(seq: nil, reason: "LMDB finds the file damaged (\(status))")
                return report
            }
        }
    }

    private static func verifyChain(
        _ txn: borrowing LMDBReadTransaction, _ dbs: LogDatabases, _ report: inout LogVerification
    ) throws -> LogProblem? {
        var streams = Set<String>()
        var types = Set<String>()
        var previous = LogHead.empty
        return try txn.withCursor(dbs.events) { cursor -> LogProblem? in
            var more = try cursor.first()
            while more {
                let expected = previous.seq + 1
                guard cursor.key.count == 8, let seq = IndexKey.trailingSeq(cursor.key) else {
                    return LogProblem(seq: expected, reason: "malformed key in the events database")
                }
                guard seq == expected else {
                    return LogProblem(seq: expected, reason: "missing (the next stored event is seq \(seq))")
                }
                let event: Envelope
                do {
                    event = try EnvelopeRecord.decode(cursor.value, seq: seq)
                } catch let error as EventLogError {
                    return LogProblem(seq: seq, reason: error.description)
                }
                if let fault = try checkEvent(event, seq: seq, after: previous, txn, dbs) {
                    return LogProblem(seq: seq, reason: fault)
                }
                streams.insert(event.stream)
                types.insert(event.type)
                if event.idempotencyKey != nil { report.idempotencyKeyCount += 1 }
                if seq == 1 || event.recordedAt != previous.recordedAt { report.timeRunCount += 1 }
                previous = LogHead(after: event)
                more = try cursor.next()
            }
            report.eventCount = previous.seq
            report.head = previous.hash
            report.streamCount = streams.count
            report.typeCount = types.count
            return nil
        }
    }

    /// The fault of one event, or nil.
    private static func checkEvent(
        _ e: Envelope, seq: UInt64, after previous: LogHead, _ txn: borrowing LMDBReadTransaction, _ dbs: LogDatabases
    ) throws -> String? {
        if e.seq != seq { return "the record says seq \(e.seq)" }
        let computed = e.computedHash()
        if computed != e.hash { return "content does not match its hash (stored \(e.hash), computed \(computed))" }
        if e.prevHash != previous.hash { return "prev_hash does not match the hash of seq \(previous.seq)" }
        if e.recordedAt < previous.recordedAt {
            return "recorded_at \(e.recordedAt) is earlier than seq \(previous.seq)'s"
        }
        if (try? CanonicalJSON(bytes: e.payload.bytes, validating: true)) == nil {
            return "payload is not canonical JSON"
        }
        if try !txn.contains(dbs.byStream, key: IndexKey.named(e.stream, seq: seq)) {
            return "missing from the stream index"
        }
        if try !txn.contains(dbs.byType, key: IndexKey.named(e.type, seq: seq)) { return "missing from the type index" }
        let startsRun = seq == 1 || e.recordedAt != previous.recordedAt
        if startsRun, try !txn.contains(dbs.byTime, key: IndexKey.time(e.recordedAt, seq: seq)) {
            return "missing from the time index"
        }
        if let key = e.idempotencyKey {
            let indexed = try txn.withValue(dbs.byIdempotencyKey, key: Array(key.utf8)) {
                $0.flatMap(IndexKey.trailingSeq)
            }
            if indexed != seq {
                return indexed.map { "its idempotency key is indexed to seq \($0)" }
                    ?? "missing from the idempotency index"
            }
        }
        return nil
    }
}
