/// Abandonment as regulators measure it, per campaign: abandoned calls against calls answered live
/// (connected + abandoned), over the worst rolling 24 hours and the worst rolling 30 days of the report,
/// against a threshold (US FTC TSR / FCC: 3 % over 30 days; UK Ofcom: 3 % over 24 hours). Only observed,
/// non-negative hours count: filled and interpolated hours are estimates, not calls.
struct Compliance {
    let json: JSONValue

    init(intervals: [DerivedInterval], threshold: Double) {
        let sorted = intervals.isSortedByHour ? intervals : intervals.sorted { $0.hour < $1.hour }
        var observed: [(hour: Int64, abandoned: Double, answered: Double)] = []
        observed.reserveCapacity(sorted.count)
        for interval in sorted where interval.source == .observed && !interval.counts.hasNegative {
            let counts = interval.counts
            observed.append((interval.hour.milliseconds, counts.abandoned, counts.connected + counts.abandoned))
        }
        json = [
            "basis": "abandoned / (connected + abandoned)", "threshold": .number(threshold),
            "observed_hours": .int(Int64(observed.count)),
            "rolling_24h": Self.worst(observed, hours: 24, threshold: threshold),
            "rolling_30d": Self.worst(observed, hours: 720, threshold: threshold),
        ]
    }

    /// The window of `hours` (ending at each observed hour) with the highest rate; sliding sums, one pass.
    private static func worst(
        _ observed: [(hour: Int64, abandoned: Double, answered: Double)], hours: Int64, threshold: Double
    ) -> JSONValue {
        var best: (rate: Double, abandoned: Double, answered: Double, end: Int64)?
        var start = 0
        var abandoned = 0.0
        var answered = 0.0
        for hour in observed {
            abandoned += hour.abandoned
            answered += hour.answered
            while observed[start].hour <= hour.hour - hours * 3_600_000 {
                abandoned -= observed[start].abandoned
                answered -= observed[start].answered
                start += 1
            }
            guard answered > 0 else { continue }
            let rate = abandoned / answered
            if best == nil || rate > best!.rate { best = (rate, abandoned, answered, hour.hour + 3_600_000) }
        }
        guard let best else { return ["rate": .null, "breach": false, "note": "no live answers"] }
        return [
            "rate": .number((best.rate * 10_000).rounded(.toNearestOrAwayFromZero) / 10_000),
            "abandoned": .number(best.abandoned), "answered": .number(best.answered),
            "window_end": .string(Timestamp(milliseconds: best.end).rfc3339), "breach": .bool(best.rate > threshold),
        ]
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
