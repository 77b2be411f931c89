import DialerCore

extension LMDBEventStore: StoredLog {
    /// The log's folder.
    public var location: String { path }

    /// Appends envelopes sealed by another log exactly as they are, on the writer thread in one write
    /// transaction: each checked as the next of the chain, stored with its index entries, folded into the
    /// views. Nothing is written when one does not continue the chain.
    public func importSealed(_ envelopes: [Envelope]) async throws {
        guard !envelopes.isEmpty else { return }
        let dbs = databases
        try await writer.run(cancellable: false) {
            try self.translatingErrors {
                try self.environment.write { txn in
                    let head = try Self.head(txn, dbs)
                    let viewStates = try LogViews.catchUp(txn, dbs, head: head.seq)
                    var walk = ChainWalk(after: head)
                    for e in envelopes {
                        let previous = walk.head
                        if let problem = walk.step(e) {
                            throw DialerCoreError.corrupt(seq: problem.seq, reason: problem.reason)
                        }
                        try Self.store(imported: e, after: previous, txn, dbs)
                    }
                    try LogViews.foldAppended(
                        seqs: envelopes.filter { ViewCatalog.types.contains($0.type) }.map(\.seq), states: viewStates,
                        txn, dbs, head: walk.head.seq)
                }
            }
        }
    }

    /// Stores `e` (the event after `previous`) and its index entries as an append does.
    private static func store(
        imported e: Envelope, after previous: LogHead, _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases
    ) throws {
        try txn.put(dbs.events, key: IndexKey.seq(e.seq), value: EnvelopeRecord.encode(e), append: true)
        try txn.put(dbs.byStream, key: IndexKey.named(e.stream, seq: e.seq), value: [])
        try txn.put(dbs.byType, key: IndexKey.named(e.type, seq: e.seq), value: [])
        if e.seq == 1 || e.recordedAt != previous.recordedAt {
            try txn.put(dbs.byTime, key: IndexKey.time(e.recordedAt, seq: e.seq), value: [], append: true)
        }
        if let key = e.idempotencyKey {
            let indexed = try txn.withValue(dbs.byIdempotencyKey, key: Array(key.utf8)) {
                $0.flatMap(IndexKey.trailingSeq)
            }
            if let indexed {
                throw DialerCoreError.corrupt(seq: e.seq, reason: "its idempotency key is already on seq \(indexed)")
            }
            try txn.put(dbs.byIdempotencyKey, key: Array(key.utf8), value: IndexKey.seq(e.seq))
        }
    }
}
