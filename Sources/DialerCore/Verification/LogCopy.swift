/// `log copy`: a whole log copied into an empty one of another store, the sealed events as they are, in
/// bounded batches, and the copy verified.
public enum LogCopy {
    /// Copies the events of `source` up to its head when the copy starts into `target`, which must be
    /// empty, `batchSize` events per transaction (`progress` hears how many of how many are copied after
    /// each); then verifies the target (every check of `verify`, its views against a fresh fold) and checks
    /// that it ends at the same sequence with the same hash. Returns the target's verification.
    public static func run(
        from source: any EventStore, to target: any StoredLog, batchSize: Int = 10_000,
        progress: @Sendable (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> LogVerification {
        let existing = try await target.lastSequence()
        guard existing == 0 else {
            throw DialerCoreError.invalidField(
                field: "--to",
                reason:
                    "\(target.location) already holds a log (\(existing) events); log copy writes into an empty log only"
            )
        }
        let (head, headHash) = try await source.withSnapshot { snapshot in
            let head = try snapshot.lastSequence()
            return (head, try snapshot.envelope(at: head)?.hash ?? .zero)
        }
        var copied: UInt64 = 0
        var batch: [Envelope] = []
        progress(0, head)
        for try await envelope in source.envelopes(EventQuery(throughSeq: head), pageSize: batchSize) {
            batch.append(envelope)
            guard batch.count == batchSize || envelope.seq == head else { continue }
            try await target.importSealed(batch)
            copied = envelope.seq
            batch.removeAll(keepingCapacity: true)
            progress(copied, head)
        }
        let verification = try await target.verify()
        if let problem = verification.problem {
            throw DialerCoreError.corrupt(
                seq: problem.seq, reason: "the copy at \(target.location) is unsound: \(problem.reason)")
        }
        guard verification.eventCount == head, verification.head == headHash else {
            throw DialerCoreError.corrupt(
                seq: nil,
                reason:
                    "the copy at \(target.location) ends at seq \(verification.eventCount) (hash \(verification.head)), the source at seq \(head) (hash \(headHash))"
            )
        }
        return verification
    }
}
