import Foundation

/// Returns once `process` has ended, polling every few milliseconds without holding a thread (its termination
/// handler is left to its owner).
public func waitForExit(_ process: Process) async throws {
    while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
}
