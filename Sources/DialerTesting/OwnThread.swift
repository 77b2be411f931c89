import Foundation

/// Runs blocking `work` (a child process, a socket read, a poll with `usleep`) on a thread of its own, so it never
/// holds one of the few threads async tests share: on a two-core machine two blocked threads stall every in-process
/// server of every other test.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// Ends `process` by its PID without blocking the caller: SIGTERM now, SIGKILL from a thread of its own if it is
/// still running after `grace`, then `cleanup`.
func terminate(_ process: Process, grace: TimeInterval = 5, then cleanup: @escaping @Sendable () -> Void = {}) {
    let pid = process.processIdentifier
    guard process.isRunning else {
        cleanup()
        return
    }
    kill(pid, SIGTERM)
    Thread.detachNewThread {
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        while process.isRunning { usleep(20_000) }
        cleanup()
    }
}
