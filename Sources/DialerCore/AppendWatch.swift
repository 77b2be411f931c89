import Synchronization

/// The newest sequence a store knows of, and the tasks waiting for the log to grow past a sequence: what a
/// store answers `waitForAppends(after:)` with. The store calls `advance(to:)` after each commit of its own
/// and whenever it learns of another process's appends (a notification, a poll, a catch-up).
public final class AppendWatch: Sendable {
    private struct Waiter {
        var after: UInt64
        var continuation: CheckedContinuation<UInt64, any Error>
    }

    private struct State {
        var head: UInt64 = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        /// Waits begun and not registered yet, and those of them cancelled already.
        var starting: Set<Int> = []
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    /// A watch that knows of no event yet.
    public init() {}

    /// The newest sequence known.
    public var head: UInt64 { state.withLock { $0.head } }

    /// Learns that the log's head is at least `seq`, and wakes the waits it passes.
    public func advance(to seq: UInt64) {
        let woken = state.withLock { state -> [CheckedContinuation<UInt64, any Error>] in
            guard seq > state.head else { return [] }
            state.head = seq
            let passed = state.waiters.filter { $0.value.after < seq }
            for id in passed.keys { state.waiters[id] = nil }
            return passed.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume(returning: seq) }
    }

    /// The newest sequence known, once it is past `seq`: at once when it already is, else when `advance(to:)`
    /// passes it. A cancelled task gets `CancellationError`.
    public func wait(after seq: UInt64) async throws -> UInt64 {
        let id = state.withLock { state in
            state.nextID += 1
            state.starting.insert(state.nextID)
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let known = state.withLock { state -> Result<UInt64, any Error>? in
                    state.starting.remove(id)
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if state.head > seq { return .success(state.head) }
                    state.waiters[id] = Waiter(after: seq, continuation: continuation)
                    return nil
                }
                if let known { continuation.resume(with: known) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                if state.starting.contains(id) { state.cancelled.insert(id) }
                return state.waiters.removeValue(forKey: id)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
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
