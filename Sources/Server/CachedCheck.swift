import DialerCore

/// One readiness check answered from a short cache, so probes never queue behind a slow dependency: a
/// success is reused for `okFor`, a failure for `failedFor`, and concurrent probes share the check in flight.
public actor CachedCheck {
    /// A check's answer: ok or not, and a detail (never a secret).
    public typealias Outcome = (ok: Bool, detail: String)

    private let okFor: Duration
    private let failedFor: Duration
    private let now: @Sendable () -> Timestamp
    private let check: @Sendable () async -> Outcome
    private var cached: (outcome: Outcome, until: Timestamp)?
    private var running: Task<Outcome, Never>?

    /// Caches `check`'s outcomes by the clock `now`.
    public init(
        okFor: Duration = .seconds(30), failedFor: Duration = .seconds(5), now: @escaping @Sendable () -> Timestamp,
        check: @escaping @Sendable () async -> Outcome
    ) {
        (self.okFor, self.failedFor, self.now, self.check) = (okFor, failedFor, now, check)
    }

    /// The cached outcome while it is fresh, else the outcome of one new check.
    public func outcome() async -> Outcome {
        if let cached, now() < cached.until { return cached.outcome }
        if let running { return await running.value }
        let task = Task { await check() }
        running = task
        let outcome = await task.value
        running = nil
        cached = (outcome, now().adding(outcome.ok ? okFor : failedFor))
        return outcome
    }
}
