import DialerCore

/// When a webhook delivery is tried again: the delays after each failed attempt (Svix's and Stripe's
/// roughly one day by default), each with up to ±`jitter` of itself at random, a `Retry-After` that asks for
/// longer honoured up to `maxRetryAfter`. What is retried: network errors, timeouts, 429 and 5xx; 410 Gone
/// stops for good; any other answer is final.
public struct WebhookRetrySchedule: Sendable, Hashable {
    /// Delays after attempt 1, 2, …; the attempt after the last delay is the last one.
    public var delays: [Duration]
    /// The share of each delay added or taken at random (0.2 is ±20 %).
    public var jitter: Double = 0.2
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration = .seconds(86_400)

    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 28 hours.
    public static let standard = WebhookRetrySchedule(
        delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map { .seconds($0) })

    /// A schedule of `delays`.
    public init(delays: [Duration]) { self.delays = delays }

    /// What an attempt's answer means for the delivery.
    public enum Verdict: Sendable, Equatable {
        /// A 2xx: delivered.
        case delivered
        /// Try again after this long.
        case retry(after: Duration)
        /// Stop: the reason.
        case abandon(String)
    }

    /// The verdict on attempt `attempt` (1 is the first) that got `status` (nil: no answer) and `retryAfter`;
    /// `random` gives a number in 0..<1 for the jitter.
    public func verdict(attempt: Int, status: Int?, retryAfter: Duration?, random: () -> Double) -> Verdict {
        if let status, (200..<300).contains(status) { return .delivered }
        if status == 410 { return .abandon("the endpoint answered 410 Gone; it is not tried again") }
        if let status, status != 429, status != 408, !(500..<600).contains(status) {
            return .abandon("the endpoint answered \(status), which is not retried")
        }
        guard attempt <= delays.count else {
            return .abandon("no answer in 2xx after \(attempt) attempts (the whole retry schedule)")
        }
        let base = delays[attempt - 1]
        let factor = 1 + jitter * (2 * random() - 1)
        var delay = Duration.milliseconds(Int64((Double(base.milliseconds) * factor).rounded()))
        if let retryAfter { delay = max(delay, min(retryAfter, maxRetryAfter)) }
        return .retry(after: delay)
    }
}
