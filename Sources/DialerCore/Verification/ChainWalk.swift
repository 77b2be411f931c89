/// The checks every store's `verify` (and `log copy`'s import) makes on the events of a log, taken oldest
/// first: gap-free sequence, each hash against its content, each `prev_hash` against the event before,
/// recorded time never going back, canonical payloads; and the counts of a sound log.
public struct ChainWalk: Sendable {
    /// The newest event walked (the empty head before the first).
    public private(set) var head: LogHead
    private var streams = Set<String>()
    private var types = Set<String>()
    private var keyCount = 0
    private var runCount = 0

    /// A walk from `head` (the empty head: from seq 1).
    public init(after head: LogHead = .empty) { self.head = head }

    /// Checks `event` as the next one of the chain and counts it; returns what is wrong with it instead
    /// (and then the walk stays where it was).
    public mutating func step(_ event: Envelope) -> LogProblem? {
        let expected = head.seq + 1
        guard event.seq == expected else {
            return LogProblem(seq: expected, reason: "missing (the next stored event is seq \(event.seq))")
        }
        if let fault = fault(of: event) { return LogProblem(seq: event.seq, reason: fault) }
        streams.insert(event.stream)
        types.insert(event.type)
        if event.idempotencyKey != nil { keyCount += 1 }
        if event.seq == 1 || event.recordedAt != head.recordedAt { runCount += 1 }
        head = LogHead(after: event)
        return nil
    }

    private func fault(of e: Envelope) -> String? {
        let computed = e.computedHash()
        if computed != e.hash { return "content does not match its hash (stored \(e.hash), computed \(computed))" }
        if e.prevHash != head.hash { return "prev_hash does not match the hash of seq \(head.seq)" }
        if e.recordedAt < head.recordedAt { return "recorded_at \(e.recordedAt) is earlier than seq \(head.seq)'s" }
        if (try? CanonicalJSON(bytes: e.payload.bytes, validating: true)) == nil {
            return "payload is not canonical JSON"
        }
        return nil
    }

    /// The counts of the events walked so far, no problem found.
    public var verification: LogVerification {
        var report = LogVerification()
        report.eventCount = head.seq
        report.head = head.hash
        report.streamCount = streams.count
        report.typeCount = types.count
        report.idempotencyKeyCount = keyCount
        report.timeRunCount = runCount
        return report
    }
}
