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

/// The `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP date.
public enum RetryAfter {
    /// The wait the header asks for at `now`, or nil when it is missing or unreadable (a date in the past
    /// is a wait of zero).
    public static func wait(_ header: String?, now: Timestamp) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (48...57).contains($0) }) {
            return Int64(text).map { .seconds($0) } ?? .seconds(Int64.max / 1000)
        }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(max(date.milliseconds - now.milliseconds, 0))
    }

    /// Parses an HTTP date: the IMF-fixdate form, and the obsolete RFC 850 and asctime forms.
    static func httpDate(_ text: String) -> Timestamp? {
        let text = text.split(separator: " ").joined(separator: " ")  // asctime pads the day with a space
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
        }
        return nil
    }
}
