/// The newest event's sequence, hash and time: all a writer needs to extend the chain.
public struct LogHead: Sendable, Hashable {
    /// Sequence of the newest event (0 for an empty log).
    public var seq: UInt64
    /// Hash of the newest event (zero for an empty log).
    public var hash: SHA256Digest
    /// When the newest event was recorded.
    public var recordedAt: Timestamp

    /// The head of an empty log.
    public static let empty = LogHead(seq: 0, hash: .zero, recordedAt: Timestamp(milliseconds: 0))

    /// A head with every field given.
    public init(seq: UInt64, hash: SHA256Digest, recordedAt: Timestamp) {
        self.seq = seq
        self.hash = hash
        self.recordedAt = recordedAt
    }

    /// The head after `envelope`.
    public init(after envelope: Envelope) {
        self.init(seq: envelope.seq, hash: envelope.hash, recordedAt: envelope.recordedAt)
    }
}
