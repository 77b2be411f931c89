/// One hour of a report as the rules derived it: its counts, where they came from, and whether it is kept.
public struct DerivedInterval: Sendable, Hashable {
    /// Where the counts came from.
    public enum Source: String, Sendable {
        /// A row CXone sent.
        case observed
        /// On the line between two observed hours.
        case interpolated
        /// Zero, the previous hour, or the nearest hour at an edge.
        case filled
    }

    /// Start of the hour.
    public var hour: Timestamp
    /// The counts used.
    public var counts: HourCounts
    /// Where they came from.
    public var source: Source
    /// The rule that dropped the hour, or nil when it is kept.
    public var droppedBy: String?

    /// An interval with every field given.
    public init(hour: Timestamp, counts: HourCounts, source: Source, droppedBy: String?) {
        self.hour = hour
        self.counts = counts
        self.source = source
        self.droppedBy = droppedBy
    }

    /// Whether the report shows it.
    public var kept: Bool { droppedBy == nil }
}

/// Derives every hour of a window from the observed rows under a rule set: gap filling, negative counts
/// and minimum volume. One pass over the hours with a cursor into the sorted rows: linear in the series.
public enum IntervalDeriver {
    /// The hours that start in [start, end) (CXone's hours, which start on the UTC hour) derived from
    /// `observed` under `rules`. Rows outside the window are ignored; of two rows for one hour the later
    /// wins (as the seed's lookup).
    public static func derive(
        _ observed: [ObservedHour], from start: Timestamp, to end: Timestamp, rules: RuleSet
    ) -> [DerivedInterval] {
        let hourMs = ObservedHour.hourMilliseconds
        let first = firstHour(from: start)
        // The rows in the window by hour, the later of two for one hour winning; pages come sorted, so
        // the sort is skipped when it would change nothing.
        var byHour = observed.filter { $0.hour.milliseconds >= first && $0.hour < end }
        if !byHour.isStrictlyAscending {
            var rows = observed.enumerated().filter { $0.element.hour.milliseconds >= first && $0.element.hour < end }
            rows.sort { ($0.element.hour, $0.offset) < ($1.element.hour, $1.offset) }
            byHour.removeAll(keepingCapacity: true)
            for (_, row) in rows {
                if byHour.last?.hour == row.hour { byHour[byHour.count - 1] = row } else { byHour.append(row) }
            }
        }
        // Anchors: the rows gap filling may use. Rejected rows stay in the output, dropped, but fill nothing.
        var rejected: [ObservedHour] = []
        var anchors: [ObservedHour] = []
        anchors.reserveCapacity(byHour.count)
        for row in byHour {
            if row.counts.hasNegative, rules.negativeCounts == .reject {
                rejected.append(row)
            } else {
                anchors.append(ObservedHour(hour: row.hour, counts: row.counts.clamped))
            }
        }
        var result: [DerivedInterval] = []
        result.reserveCapacity(Int(max(0, (end.milliseconds - first + hourMs - 1) / hourMs)))
        var next = 0  // the first anchor at or after the current hour
        var nextRejected = 0  // the first rejected row at or after it
        var hour = first
        while hour < end.milliseconds {
            let instant = Timestamp(milliseconds: hour)
            while next < anchors.count, anchors[next].hour.milliseconds < hour { next += 1 }
            while nextRejected < rejected.count, rejected[nextRejected].hour.milliseconds < hour { nextRejected += 1 }
            if nextRejected < rejected.count, rejected[nextRejected].hour == instant {
                result.append(
                    DerivedInterval(
                        hour: instant, counts: rejected[nextRejected].counts, source: .observed,
                        droppedBy: "negative_counts"))
            } else if next < anchors.count, anchors[next].hour == instant {
                result.append(volumeChecked(instant, anchors[next].counts, .observed, rules))
            } else if let (counts, source) = fill(
                hour, before: next > 0 ? anchors[next - 1] : nil, after: next < anchors.count ? anchors[next] : nil,
                rules)
            {
                result.append(volumeChecked(instant, counts, source, rules))
            }
            hour += hourMs
        }
        return result
    }

    /// The start of the first hour that starts at or after `start`: in a zone half an hour off UTC a day
    /// starts at xx:30 UTC, and the hour that began before it belongs to the day before.
    public static func firstHour(from start: Timestamp) -> Int64 {
        let hourMs = ObservedHour.hourMilliseconds
        let past = ((start.milliseconds % hourMs) + hourMs) % hourMs
        return past == 0 ? start.milliseconds : start.milliseconds - past + hourMs
    }

    /// The counts of a missing hour, or nil when the rules leave it out: `gap_fill` between two observed
    /// hours, `edge_gaps` where there is one on one side only (or none at all).
    private static func fill(
        _ hour: Int64, before: ObservedHour?, after: ObservedHour?, _ rules: RuleSet
    ) -> (HourCounts, DerivedInterval.Source)? {
        guard let before, let after else {
            switch rules.edgeGaps {
            case .omit: return nil
            case .zero: return (.zero, .filled)
            case .hold:
                guard let nearest = before ?? after else { return nil }
                return (nearest.counts, .filled)
            }
        }
        switch rules.gapFill {
        case .none: return nil
        case .zero: return (.zero, .filled)
        case .previous: return (before.counts, .filled)
        case .linear:
            let span = Double(after.hour.milliseconds - before.hour.milliseconds)
            let ratio = Double(hour - before.hour.milliseconds) / span
            return (before.counts.interpolated(to: after.counts, ratio: ratio), .interpolated)
        }
    }

    private static func volumeChecked(
        _ hour: Timestamp, _ counts: HourCounts, _ source: DerivedInterval.Source, _ rules: RuleSet
    ) -> DerivedInterval {
        DerivedInterval(
            hour: hour, counts: counts, source: source, droppedBy: counts.attempted < rules.minCalls ? "min_calls" : nil
        )
    }
}

extension Array where Element == ObservedHour {
    /// Whether every hour is later than the one before.
    var isStrictlyAscending: Bool {
        var previous = Int64.min
        for row in self {
            guard row.hour.milliseconds > previous else { return false }
            previous = row.hour.milliseconds
        }
        return true
    }
}
