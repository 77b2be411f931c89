/// A log kept in a store of its own (the LMDB log, the PostgreSQL log): besides the port, it checks itself,
/// refolds its views, and takes the sealed events of another log exactly as they are (`log copy`).
public protocol StoredLog: EventStore {
    /// Where the log is, for messages: a folder, or a URL without its password.
    var location: String { get }

    /// Walks the whole log in one snapshot and names the first problem: gap-free sequence, hashes, chain,
    /// canonical payloads, recorded time, idempotency keys, the store's own structures, and every view
    /// against a fresh fold of the log.
    func verify() async throws -> LogVerification

    /// Refolds view `name` from seq 1 into fresh rows, `batchSize` events per transaction (`progress`
    /// hears how many of how many events are folded), then in one transaction folds what was appended
    /// meanwhile, compares the fresh rows with the kept ones and swaps them in.
    func rebuildView(
        _ name: String, batchSize: UInt64, progress: @escaping @Sendable (UInt64, UInt64) -> Void
    ) async throws -> ViewRebuild

    /// Appends `envelopes`, sealed by another log, byte for byte in one transaction (seq, id, recorded time
    /// and hashes kept, nothing sealed again), each checked as the next of this log's chain (`ChainWalk`);
    /// the views fold them as they fold an append. Throws `DialerCoreError.corrupt` naming the first event
    /// that does not continue the chain, and then nothing is written.
    func importSealed(_ envelopes: [Envelope]) async throws
}
