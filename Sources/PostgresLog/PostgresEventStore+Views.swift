import DialerCore
import PostgresNIO

extension PostgresEventStore {
    /// Appends envelopes sealed by another log exactly as they are, in one transaction on the head row:
    /// each checked as the next of the chain (off the cooperative pool), inserted, folded into the views.
    /// Nothing is written when one does not continue the chain or carries an idempotency key already here.
    public func importSealed(_ envelopes: [Envelope]) async throws {
        guard !envelopes.isEmpty else { return }
        try await inTransaction("BEGIN") { connection in
            let head = try await lockHead(connection)
            let keys = envelopes.compactMap(\.idempotencyKey)
            let existing = keys.isEmpty ? [:] : try await sequences(forKeys: keys, connection)
            try await readers.runIfActive {
                var walk = ChainWalk(after: head)
                for e in envelopes {
                    if let problem = walk.step(e) {
                        throw DialerCoreError.corrupt(seq: problem.seq, reason: problem.reason)
                    }
                    if let key = e.idempotencyKey, let seq = existing[key] {
                        throw DialerCoreError.corrupt(
                            seq: e.seq, reason: "its idempotency key is already on seq \(seq)")
                    }
                }
            }
            try await store(envelopes, after: head, connection)
        }
    }

    /// Refolds view `name` from seq 1 into its spare slot, `batchSize` events per transaction (`progress`
    /// hears how many of how many events are folded after each), then, in one transaction on the head row,
    /// folds what was appended meanwhile, compares the refolded rows with the kept ones, and makes the spare
    /// slot the one that serves. Readers and appends use the kept rows until then. One rebuild at a time per
    /// database (a session advisory lock on the connection it runs on).
    public func rebuildView(
        _ name: String, batchSize: UInt64 = 100_000,
        progress: @escaping @Sendable (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> ViewRebuild {
        guard let projector = ViewCatalog.projector(named: name) else {
            throw PostgresLogError.storage(store: url.description, reason: "no view named \(name)")
        }
        return try await withConnection { connection in
            let locked = try await connection.rows(
                "SELECT pg_try_advisory_lock(\(Self.rebuildLockKey))", logger: logger
            ).decodeFirst(Bool.self)
            guard locked == true else {
                throw PostgresLogError.storage(store: url.description, reason: "another views rebuild is running")
            }
            do {
                let rebuilt = try await rebuild(projector, batchSize: batchSize, on: connection, progress: progress)
                try await connection.rows("SELECT pg_advisory_unlock(\(Self.rebuildLockKey))", logger: logger)
                return rebuilt
            } catch {
                _ = try? await connection.rows("SELECT pg_advisory_unlock(\(Self.rebuildLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func rebuild(
        _ projector: any ViewProjector, batchSize: UInt64, on connection: PostgresConnection,
        progress: @escaping @Sendable (UInt64, UInt64) -> Void
    ) async throws -> ViewRebuild {
        let name = projector.name
        let (spare, head) = try await transaction("BEGIN", on: connection) { connection in
            let head = try await lockHead(connection)
            try await store([], after: head, connection)
            return try await onReader(connection) { [logger] _ in
                let views = PostgresViews(connection: connection, logger: logger)
                let spare = 1 - (try views.states()[name]?.slot ?? 0)
                try views.clear(name, slot: spare)
                return (spare, head.seq)
            }
        }
        var folded: UInt64 = 0
        progress(0, head)
        while folded < head {
            let through = min(head, folded + batchSize)
            try await transaction("BEGIN", on: connection) { connection in
                try await onReader(connection) { [logger, folded] snapshot in
                    try PostgresViews(connection: connection, logger: logger).fold(
                        projector, after: folded, through: through, slot: spare, snapshot)
                }
            }
            folded = through
            progress(folded, head)
        }
        return try await transaction("BEGIN", on: connection) { connection in
            let last = try await lockHead(connection)
            try await store([], after: last, connection)
            return try await onReader(connection) { [logger] snapshot in
                let views = PostgresViews(connection: connection, logger: logger)
                try views.fold(projector, after: head, through: last.seq, slot: spare, snapshot)
                guard var serving = try views.states()[name] else { preconditionFailure("the views were caught up") }
                // The kept rows as a reader is served them: with what a bounded catch-up left unfolded.
                let kept = OverlayRows(over: views.rows(name, serving.slot))
                try snapshot.fold(projector, after: serving.checkpoint, through: last.seq, into: kept)
                let difference = try views.rows(name, spare).firstDifference(from: kept)
                try views.clear(name, slot: serving.slot)
                // The spare slot holds the whole log, however far the append's bounded catch-up got.
                (serving.slot, serving.version, serving.checkpoint) = (spare, projector.version, last.seq)
                try views.write([name: serving])
                return ViewRebuild(view: name, throughSeq: last.seq, firstDifference: difference.map(ViewKey.describe))
            }
        }
    }

    /// The advisory lock that lets one `views rebuild` run at a time ("DLGV").
    private static let rebuildLockKey: Int64 = 0x444C_4756
}
