import DialerCore
import Foundation

/// When to try a call again and how long to wait first: `Retry-After` when the server gives one
/// (429 and 503), otherwise exponential backoff with full jitter; bounded by attempts and total time.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts = 5
    /// Time budget from the first attempt; no wait may end beyond it.
    public var maxTotalTime: Duration = .seconds(120)
    /// The backoff ceiling of the first retry; it doubles each time.
    public var baseDelay: Duration = .milliseconds(500)
    /// The largest backoff ceiling.
    public var maxDelay: Duration = .seconds(30)

    /// The defaults above.
    public init() {}

    /// Why the next attempt will not happen.
    public enum Refusal: Error, Sendable, Equatable {
        /// Every allowed attempt was made.
        case attemptsExhausted
        /// Waiting would end past the total-time budget.
        case wouldExceedTotalTime(wait: Duration)
    }

    /// The wait before attempt `attempt + 1`, given how long the calls have taken so far, the server's
    /// `Retry-After` wait if it sent one, and `unitRandom`, a number in [0, 1) for the jitter.
    public func delay(
        afterAttempt attempt: Int, elapsed: Duration, retryAfter: Duration?, unitRandom: Double
    ) -> Result<Duration, Refusal> {
        guard attempt < maxAttempts else { return .failure(.attemptsExhausted) }
        let wait = retryAfter.map { max($0, .zero) } ?? jittered(attempt: attempt, unitRandom: unitRandom)
        guard elapsed + wait <= maxTotalTime else { return .failure(.wouldExceedTotalTime(wait: wait)) }
        return .success(wait)
    }

    /// Full jitter: uniform between zero and `min(maxDelay, baseDelay × 2^(attempt-1))`.
    func jittered(attempt: Int, unitRandom: Double) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << doublings))
        return .milliseconds(Int64((Double(ceiling.milliseconds) * min(max(unitRandom, 0), 1)).rounded(.down)))
    }
}
