/// The rates of some counts, rounded, each nil (with the reason) when its denominator is zero.
public struct HourRates: Sendable, Hashable {
    /// connected / attempted (the seed's `contact_rate`).
    public var contactRate: Double?
    /// abandoned / attempted (the seed's `abandonment_rate`).
    public var abandonmentRate: Double?
    /// abandoned / (connected + abandoned): abandonment as regulators count it, against live answers
    /// (US FTC TSR and FCC, UK Ofcom), not against attempts.
    public var complianceAbandonmentRate: Double?
    /// Why a rate is missing, or nil when none is.
    public var reason: String?

    /// The rates of `counts`, rounded half away from zero to `decimals` (the seed's `math.Round`).
    /// Always computed from counts (sum first, then divide), never by averaging rates.
    public init(_ counts: HourCounts, decimals: Int) {
        let scale = (0..<decimals).reduce(1.0) { value, _ in value * 10 }
        func rate(_ part: Double, _ whole: Double) -> Double? {
            whole > 0 ? (part / whole * scale).rounded(.toNearestOrAwayFromZero) / scale : nil
        }
        contactRate = rate(counts.connected, counts.attempted)
        abandonmentRate = rate(counts.abandoned, counts.attempted)
        complianceAbandonmentRate = rate(counts.abandoned, counts.connected + counts.abandoned)
        if counts.attempted <= 0 {
            reason = "no attempts"
        } else if counts.connected + counts.abandoned <= 0 {
            reason = "no live answers"
        }
    }
}
