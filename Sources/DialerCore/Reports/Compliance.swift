/// Abandonment as regulators measure it, per campaign: abandoned calls against calls answered live
/// (connected + abandoned) over rolling 24 hours and rolling 30 days, against a threshold (US FTC TSR /
/// FCC: 3 % over 30 days; UK Ofcom: 3 % over 24 hours). Only observed, non-negative hours count (filled
/// and interpolated hours are estimates, not calls), taken from the campaign's whole observed history
/// as of the report, not only the report's own hours.
///
/// The windows judged are the trailing windows ending at every hour boundary of the report, from its
/// first hour's end to its last hour's end, each covering the 24 (or 720) hours before its end, reaching
/// before the report into history. A window is covered when at least 90 % of its hours were observed; only
/// covered windows get a verdict. The section's verdict is `breach` when a covered window's unrounded rate
/// is above the threshold, else `pass` when some window is covered, else `insufficient_data`. Its figures
/// are those of the worst covered window, or, with none covered, of the worst window (for information).
struct Compliance {
    /// The rolling windows, in hours: 24 hours and 30 days.
    static let windowHours: [Int64] = [24, 720]
    /// The share of a window's hours that must be observed for it to get a verdict.
    static let minCoverage = 0.9

    let json: JSONValue

    /// The section for `observed` (ascending by hour, non-negative, one per hour) and a report over `window`.
    init(observed: [ObservedHour], window: ReportWindow, rules: RuleSet) {
        let hourMs = ObservedHour.hourMilliseconds
        let (from, to) = ObservedHistory.range(for: window)
        let first = from.milliseconds + (Self.windowHours.max()! - 1) * hourMs
        let boundaries = (to.milliseconds - first) / hourMs
        let inReport = observed.count { $0.hour.milliseconds >= first && $0.hour < to }
        json = [
            "basis": "abandoned / (connected + abandoned)", "threshold": .number(rules.complianceThreshold),
            "min_coverage": .number(Self.minCoverage), "observed_hours": .int(Int64(inReport)),
            "rolling_24h": Self.section(observed, hours: 24, first: first, boundaries: boundaries, rules: rules),
            "rolling_30d": Self.section(observed, hours: 720, first: first, boundaries: boundaries, rules: rules),
        ]
    }

    /// One window of `hours` ending at `end`, summed.
    private struct Window {
        var end: Int64
        var observedHours: Int
        var abandoned: Double
        var answered: Double
        var rate: Double
    }

    /// The windows of `hours` ending at each of `boundaries` hour ends from `first + 1 h`, judged; sliding
    /// sums, one pass over the boundaries and the observations.
    private static func section(
        _ observed: [ObservedHour], hours: Int64, first: Int64, boundaries: Int64, rules: RuleSet
    ) -> JSONValue {
        let hourMs = ObservedHour.hourMilliseconds
        let threshold = rules.complianceThreshold
        var worstCovered: Window?
        var worstAny: Window?
        var covered = 0
        var breach = false
        var low = 0
        var high = 0
        var abandoned = 0.0
        var answered = 0.0
        var boundary: Int64 = 1
        while boundary <= boundaries {
            let end = first + boundary * hourMs
            while high < observed.count, observed[high].hour.milliseconds < end {
                abandoned += observed[high].counts.abandoned
                answered += observed[high].counts.connected + observed[high].counts.abandoned
                high += 1
            }
            while low < high, observed[low].hour.milliseconds < end - hours * hourMs {
                abandoned -= observed[low].counts.abandoned
                answered -= observed[low].counts.connected + observed[low].counts.abandoned
                low += 1
            }
            boundary += 1
            let isCovered = (high - low) * 10 >= Int(hours) * 9  // minCoverage, in whole numbers
            if isCovered { covered += 1 }
            guard answered > 0 else { continue }
            let window = Window(
                end: end, observedHours: high - low, abandoned: abandoned, answered: answered,
                rate: abandoned / answered)
            if worstAny == nil || window.rate > worstAny!.rate { worstAny = window }
            guard isCovered else { continue }
            if window.rate > threshold { breach = true }
            if worstCovered == nil || window.rate > worstCovered!.rate { worstCovered = window }
        }
        let verdict = breach ? "breach" : covered > 0 ? "pass" : "insufficient_data"
        var fields: [String: JSONValue] = [
            "window_hours": .int(hours), "windows": .int(max(0, boundaries)), "windows_covered": .int(Int64(covered)),
            "verdict": .string(verdict), "breach": .bool(breach),
        ]
        guard let shown = covered > 0 ? worstCovered : worstAny else {
            fields["rate"] = .null
            fields["note"] = "no live answers"
            return .object(fields)
        }
        let scale = rules.scale
        fields["rate"] = .number((shown.rate * scale).rounded(.toNearestOrAwayFromZero) / scale)
        fields["abandoned"] = .number(shown.abandoned)
        fields["answered"] = .number(shown.answered)
        fields["observed_hours"] = .int(Int64(shown.observedHours))
        fields["window_end"] = .string(Timestamp(milliseconds: shown.end).rfc3339)
        return .object(fields)
    }
}

extension Array where Element == DerivedInterval {
    /// Whether the hours ascend (as the deriver makes them), so no sort is needed.
    var isSortedByHour: Bool {
        var previous = Int64.min
        for interval in self {
            guard interval.hour.milliseconds >= previous else { return false }
            previous = interval.hour.milliseconds
        }
        return true
    }
}
