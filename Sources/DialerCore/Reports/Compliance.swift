/// Abandonment as regulators measure it, per campaign: abandoned calls against calls answered live
/// (connected + abandoned), over the worst rolling 24 hours and the worst rolling 30 days of the report,
/// against a threshold (US FTC TSR / FCC: 3 % over 30 days; UK Ofcom: 3 % over 24 hours). Only observed,
/// non-negative hours count: filled and interpolated hours are estimates, not calls.
struct Compliance {
    let json: JSONValue

    init(intervals: [DerivedInterval], threshold: Double) {
        let observed = intervals.filter { $0.source == .observed && !$0.counts.hasNegative }.sorted {
            $0.hour < $1.hour
        }
        json = [
            "basis": "abandoned / (connected + abandoned)", "threshold": .number(threshold),
            "observed_hours": .int(Int64(observed.count)),
            "rolling_24h": Self.worst(observed, hours: 24, threshold: threshold),
            "rolling_30d": Self.worst(observed, hours: 720, threshold: threshold),
        ]
    }

    /// The window of `hours` (ending at each observed hour) with the highest rate; sliding sums, one pass.
    private static func worst(_ observed: [DerivedInterval], hours: Int64, threshold: Double) -> JSONValue {
        var best: (rate: Double, abandoned: Double, answered: Double, end: Timestamp)?
        var start = 0
        var abandoned = 0.0
        var answered = 0.0
        for interval in observed {
            abandoned += interval.counts.abandoned
            answered += interval.counts.connected + interval.counts.abandoned
            while observed[start].hour.milliseconds <= interval.hour.milliseconds - hours * 3_600_000 {
                abandoned -= observed[start].counts.abandoned
                answered -= observed[start].counts.connected + observed[start].counts.abandoned
                start += 1
            }
            guard answered > 0 else { continue }
            let rate = abandoned / answered
            if best == nil || rate > best!.rate {
                best = (rate, abandoned, answered, Timestamp(milliseconds: interval.hour.milliseconds + 3_600_000))
            }
        }
        guard let best else { return ["rate": .null, "breach": false, "note": "no live answers"] }
        return [
            "rate": .number((best.rate * 10_000).rounded(.toNearestOrAwayFromZero) / 10_000),
            "abandoned": .number(best.abandoned), "answered": .number(best.answered),
            "window_end": .string(best.end.rfc3339), "breach": .bool(best.rate > threshold),
        ]
    }
}
