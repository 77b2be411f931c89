import DialerCore
import PostgresNIO

extension PostgresEventStore: StoredLog {
    /// The log's URL, without its password.
    public var location: String { url.description }

    /// Walks the whole log in one `REPEATABLE READ` snapshot, in pages by sequence: gap-free sequence,
    /// decodable rows, each hash against its content, each `prev_hash` against the event before, canonical
    /// payloads, recorded time never going back (`ChainWalk`, as the LMDB log's `verify`); each idempotency
    /// key on one event; the head row on the last event; and every view, as a reader is served it, against
    /// a fresh fold of the log. Stops at the first problem.
    public func verify() async throws -> LogVerification {
        try await withPostgresSnapshot { snapshot in
            var walk = ChainWalk()
            var problem: LogProblem?
            do {
                try snapshot.scanInPlace(EventQuery()) { view in
                    problem = walk.step(view.envelope)
                    return problem == nil
                }
            } catch PostgresLogError.corruptRow(let seq, let reason) {
                problem = LogProblem(seq: seq, reason: "stored row is unreadable (\(reason))")
            }
            var report = walk.verification
            report.problem =
                try problem ?? Self.keyProblem(snapshot) ?? Self.headProblem(snapshot, walk.head)
                ?? snapshot.viewProblem()
            return report
        }
    }

    /// An idempotency key on two events (the unique index forbids it; a damaged or altered table may not).
    private static func keyProblem(_ snapshot: PostgresSnapshot) throws -> LogProblem? {
        let twice = try snapshot.rows(
            """
            SELECT min(seq), max(seq) FROM dialer_ledger.events WHERE idempotency_key IS NOT NULL
            GROUP BY idempotency_key HAVING count(*) > 1 ORDER BY 2 LIMIT 1
            """
        ).first?.decode((Int64, Int64).self)
        return twice.map { LogProblem(seq: UInt64($0.1), reason: "its idempotency key is also on seq \($0.0)") }
    }

    /// A head row that does not name the last event.
    private static func headProblem(_ snapshot: PostgresSnapshot, _ last: LogHead) throws -> LogProblem? {
        guard let row = try snapshot.headRow() else { return LogProblem(seq: nil, reason: "the head row is missing") }
        guard row.seq == last.seq, row.hash == last.hash.bytes, row.recordedAt == last.recordedAt else {
            return LogProblem(
                seq: row.seq, reason: "the head row does not match the last event (seq \(last.seq), hash \(last.hash))")
        }
        return nil
    }
}
