import DialerCore
import Synchronization

/// A clock that moves only when told: for tests of recorded time and as-of reads.
public final class ManualClock: Sendable {
    private let current: Mutex<Timestamp>

    /// A clock showing `start`.
    public init(_ start: Timestamp = Timestamp(milliseconds: 1_790_000_000_000)) { current = Mutex(start) }

    /// The time shown now.
    public func now() -> Timestamp { current.withLock { $0 } }

    /// Moves the clock by `milliseconds` (negative moves it back).
    public func advance(milliseconds: Int64) { current.withLock { $0.milliseconds += milliseconds } }

    /// The clock as the closure stores take.
    public var closure: @Sendable () -> Timestamp { { [self] in self.now() } }
}
