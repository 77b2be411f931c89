import Foundation

/// Whether `condition` came to hold within `timeout`, asked every `poll`: for waiting until another process
/// or thread has done something, never for letting time pass.
public func eventually(
    timeout: Duration = .seconds(10), poll: Duration = .milliseconds(10), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: poll)
    }
}
