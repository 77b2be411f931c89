import DialerCore

/// What a person reads after a report run or replay: campaigns, hours by source and verdict, failures.
struct ReportSummary {
    let lines: [String]
    /// The same as `--format json` fields: report_id, outcome, campaigns, failed, hours.
    let fields: [String: JSONValue]

    init(_ run: RecordedRun, generated: ReportGenerated, intervals: [String: [DerivedInterval]]? = nil) {
        let started = run.started
        let hours = run.reportedCampaigns.flatMap { (intervals ?? run.intervals)[$0] ?? [] }
        var bySource: [String: Int] = [:]
        var droppedBy: [String: Int] = [:]
        for hour in hours {
            bySource[hour.source.rawValue, default: 0] += 1
            if let rule = hour.droppedBy { droppedBy[rule, default: 0] += 1 }
        }
        let sources = ["observed", "interpolated", "filled"].compactMap { name in
            bySource[name].map { "\($0) \(name)" }
        }
        let kept = hours.count - droppedBy.values.reduce(0, +)
        let dropped = droppedBy.keys.sorted().map { "\($0) \(droppedBy[$0]!)" }
        var lines = [
            "report \(generated.reportID): \(run.reportedCampaigns.count) of \(started.campaigns.count) campaigns, "
                + "\(started.window.start.rfc3339Seconds) → \(started.window.end.rfc3339Seconds), hours labelled in "
                + "\(started.timeZone), rule set \(generated.ruleSet)",
            "  hours: \(hours.count) derived (\(sources.joined(separator: ", "))), "
                + "\(kept) kept"
                + (dropped.isEmpty ? "" : ", dropped: \(dropped.joined(separator: ", "))"),
        ]
        var failed: [String: JSONValue] = [:]
        for campaign in started.campaigns where !run.reportedCampaigns.contains(campaign) {
            let reason = run.failures[campaign]?.reason ?? "no page recorded"
            lines.append("  failed: \(campaign): \(reason)")
            failed[campaign] = .string(reason)
        }
        self.lines = lines
        fields = [
            "report_id": .string(generated.reportID), "outcome": failed.isEmpty ? "succeeded" : "partial",
            "campaigns": .array(run.reportedCampaigns.map(JSONValue.string)), "failed": .object(failed),
            "window": [
                "from": .string(started.window.start.rfc3339Seconds), "to": .string(started.window.end.rfc3339Seconds),
            ],
            "time_zone": .string(started.timeZone), "rule_set": .string(generated.ruleSet),
            "hours": [
                "derived": .int(Int64(hours.count)), "kept": .int(Int64(kept)),
                "by_source": .object(bySource.mapValues { .int(Int64($0)) }),
                "dropped_by": .object(droppedBy.mapValues { .int(Int64($0)) }),
            ],
        ]
    }
}
