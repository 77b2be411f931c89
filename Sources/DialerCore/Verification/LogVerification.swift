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
    /// Runs of events recorded at the same instant (one time-index entry each in the LMDB log).
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

    /// A problem at `seq` (nil: none to blame), for `reason`.
    public init(seq: UInt64?, reason: String) {
        self.seq = seq
        self.reason = reason
    }

    public var description: String { seq.map { "seq \($0): \(reason)" } ?? reason }
}
