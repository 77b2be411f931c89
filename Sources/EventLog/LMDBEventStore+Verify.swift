import CLMDB
import DialerCore

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
                    if report.problem == nil {
                        let snapshot = LMDBSnapshot(txn: txn.txn, databases: dbs)
                        defer { snapshot.close() }
                        report.problem = try snapshot.viewProblem()
                    }
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
        var walk = ChainWalk()
        return try txn.withCursor(dbs.events) { cursor -> LogProblem? in
            var more = try cursor.first()
            while more {
                let expected = walk.head.seq + 1
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
                if event.seq != seq { return LogProblem(seq: seq, reason: "the record says seq \(event.seq)") }
                let previous = walk.head
                if let problem = walk.step(event) { return problem }
                if let fault = try indexFault(event, after: previous, txn, dbs) {
                    return LogProblem(seq: seq, reason: fault)
                }
                more = try cursor.next()
            }
            report = walk.verification
            return nil
        }
    }

    /// Where the indexes miss `e` (the event after `previous`), or nil.
    private static func indexFault(
        _ e: Envelope, after previous: LogHead, _ txn: borrowing LMDBReadTransaction, _ dbs: LogDatabases
    ) throws -> String? {
        let seq = e.seq
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
