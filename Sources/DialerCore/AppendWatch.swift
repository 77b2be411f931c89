/// The newest sequence a store knows of, and the tasks waiting for the log to grow past a sequence: what a
/// store answers `waitForAppends(after:)` with. The store calls `advance(to:)` after each commit of its own
/// and whenever it learns of another process's appends (a notification, a poll, a catch-up).
public actor AppendWatch {
    private var head: UInt64 = 0
    private var nextID = 0
    private var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<UInt64, any Error>)] = [:]

    /// A watch that knows of no event yet.
    public init() {}

    /// Learns that the log's head is at least `seq`, and wakes the waits it passes.
    public func advance(to seq: UInt64) {
        guard seq > head else { return }
        head = seq
        for (id, waiter) in waiters where waiter.after < seq {
            waiters[id] = nil
            waiter.continuation.resume(returning: seq)
        }
    }

    /// The newest sequence known, once it is past `seq`: at once when it already is, else when `advance(to:)`
    /// passes it. A cancelled task gets `CancellationError`.
    public func wait(after seq: UInt64) async throws -> UInt64 {
        if head > seq { return head }
        nextID += 1
        let id = nextID
        return try await withTaskCancellationHandler {
            // Registered on the actor with no suspension since the check: no advance or cancel slips between.
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else if head > seq {
                    continuation.resume(returning: head)
                } else {
                    waiters[id] = (seq, continuation)
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(throwing: CancellationError())
    }
}

/// What `work` returns, or nil when `timer` returns first (the other is cancelled): a bounded wait whose
/// clock the caller brings (the core reads none).
public func firstOf<R: Sendable>(
    _ work: @escaping @Sendable () async throws -> R, orTimer timer: @escaping @Sendable () async throws -> Void
) async throws -> R? {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await timer()
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
