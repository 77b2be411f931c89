/// Random faults as shares of requests to the API endpoints (never the token or `/_sim` endpoints).
public struct SimulatorFaults: Sendable {
    /// Share answered 429 with `Retry-After: retryAfterSeconds`.
    public var tooManyRequests: Double = 0
    /// The `Retry-After` seconds sent with a random 429.
    public var retryAfterSeconds: Int = 1
    /// Share answered 500.
    public var serverErrors: Double = 0
    /// Share answered 401 as if the token expired; the presented token is revoked.
    public var expiredTokens: Double = 0
    /// Delay added to every API response (after the request has taken effect).
    public var slowMilliseconds: Int = 0
    /// The endpoints the delay applies to; empty means all.
    public var slowEndpoints: Set<SimulatedEndpoint> = []
    /// Share answered 200 with a body that is not JSON.
    public var malformedJSON: Double = 0
    /// Share answered with the real response's JSON cut in the middle (the request takes effect).
    public var truncatedJSON: Double = 0
    /// Share answered 200 with an HTML page labelled `text/html`.
    public var wrongContentType: Double = 0

    /// No faults at all.
    public static let none = SimulatorFaults()

    /// No faults; set the shares you want.
    public init() {}

    /// The shares by name, in the order a random draw tests them.
    var shares: [(name: String, share: Double)] {
        [
            ("tooManyRequests", tooManyRequests), ("serverErrors", serverErrors), ("expiredTokens", expiredTokens),
            ("malformedJSON", malformedJSON), ("truncatedJSON", truncatedJSON), ("wrongContentType", wrongContentType),
        ]
    }

    /// Throws `SimulatorError.invalidConfiguration` naming the first unusable setting.
    func validate() throws(SimulatorError) {
        for (name, share) in shares where !(0...1).contains(share) {
            throw .invalidConfiguration(field: "faults.\(name)", reason: "share \(share) is not in 0...1")
        }
        let total = shares.reduce(0) { $0 + $1.share }
        guard total <= 1 else {
            throw .invalidConfiguration(field: "faults", reason: "the shares add up to \(total), more than 1")
        }
        guard retryAfterSeconds >= 0 else {
            throw .invalidConfiguration(
                field: "faults.retryAfterSeconds", reason: "must be 0 or more, got \(retryAfterSeconds)")
        }
        guard slowMilliseconds >= 0 else {
            throw .invalidConfiguration(
                field: "faults.slowMilliseconds", reason: "must be 0 or more, got \(slowMilliseconds)")
        }
    }
}
