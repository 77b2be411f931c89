import DialerCore
import Foundation

/// The wall clock and the sleeper the client waits with: injected, so tests check every delay
/// without waiting for it.
public protocol CXoneClock: Sendable {
    /// The current instant (token expiry, `Retry-After` dates, the total-time budget).
    func now() -> Timestamp
    /// Waits `duration`; throws if the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemCXoneClock: CXoneClock {
    /// The system clock.
    public init() {}

    public func now() -> Timestamp {
        Timestamp(Date())
    }

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Timestamp {
    /// The time from `earlier` to this instant.
    func duration(since earlier: Timestamp) -> Duration { .milliseconds(milliseconds - earlier.milliseconds) }
}
