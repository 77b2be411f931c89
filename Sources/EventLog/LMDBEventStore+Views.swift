import DialerCore

extension LMDBEventStore {
    /// Refolds view `name` from seq 1 into its spare slot, `batchSize` events per write transaction
    /// (`progress` hears how many of how many events are folded after each), then, in one transaction,
    /// folds what was appended meanwhile, compares the refolded rows with the maintained ones, and makes
    /// the refolded slot the one that serves. Readers are served the maintained rows until then.
    public func rebuildView(
        _ name: String, batchSize: UInt64 = 100_000,
        progress: @escaping @Sendable (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> ViewRebuild {
        guard let projector = ViewCatalog.projector(named: name) else {
            throw EventLogError.storage(path: path, reason: "no view named \(name)")
        }
        let dbs = databases
        guard let views = dbs.views else { throw EventLogError.storage(path: path, reason: "opened read-only") }
        let (spare, head) = try await onWriter { txn in
            let head = try Self.head(txn, dbs).seq
            try LogViews.catchUpAndRecord(txn, dbs, head: head)
            let spare = 1 - (try LogViews.meta(txn, views, name)?.slot ?? 0)
            try txn.clear(views.slots[name]![spare])
            return (spare, head)
        }
        var folded: UInt64 = 0
        progress(0, head)
        while folded < head {
            let through = min(head, folded + batchSize)
            try await onWriter { [folded] txn in
                try LogViews.fold(projector, after: folded, through: through, txn, dbs, slot: spare)
            }
            folded = through
            progress(folded, head)
        }
        return try await onWriter { txn in
            let last = try Self.head(txn, dbs).seq
            try LogViews.catchUpAndRecord(txn, dbs, head: last)
            try LogViews.fold(projector, after: head, through: last, txn, dbs, slot: spare)
            let serving = try LogViews.meta(txn, views, name)!
            let difference = try LogViews.withRows(txn.txn, views, name, slot: serving.slot, writable: false) { old in
                try LogViews.withRows(txn.txn, views, name, slot: spare, writable: false) { new in
                    try new.firstDifference(from: old)
                }
            }
            try LogViews.putMeta(
                txn, views, name, ViewState(slot: spare, version: projector.version, checkpoint: last))
            try txn.clear(views.slots[name]![serving.slot])
            return ViewRebuild(view: name, throughSeq: last, firstDifference: difference.map(ViewKey.describe))
        }
    }

    /// Runs `body` in a write transaction on the writer thread.
    private func onWriter<R: Sendable>(_ body: @Sendable (borrowing LMDBWriteTransaction) throws -> R)
        async throws -> R
    {
        try await writer.run(cancellable: false) {
            try self.translatingErrors { try self.environment.write(body) }
        }
    }
}
