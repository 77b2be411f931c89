/// What changes per campaign-hour between the hours a report was sent with and the same pages derived
/// under another rule set: every hour whose counts, source or verdict differ, or that one side lacks.
public struct ReportDiff: Sendable {
    /// The diff document.
    public let json: JSONValue
    /// Campaign-hours that differ.
    public let changed: Int
    /// Campaign-hours compared.
    public let compared: Int

    /// Compares `recorded` (under `before`) with `rederived` (under `after`) for `campaigns`, in order.
    public init(
        reportID: String, campaigns: [String], recorded: [String: [DerivedInterval]],
        rederived: [String: [DerivedInterval]], before: RuleSet, after: RuleSet
    ) {
        var changes: [JSONValue] = []
        var compared = 0
        for campaign in campaigns {
            let old = Dictionary(recorded[campaign, default: []].map { ($0.hour, $0) }) { $1 }
            let new = Dictionary(rederived[campaign, default: []].map { ($0.hour, $0) }) { $1 }
            for hour in Set(old.keys).union(new.keys).sorted() {
                compared += 1
                guard old[hour] != new[hour] else { continue }
                changes.append([
                    "campaign_id": .string(campaign), "hour": .string(hour.rfc3339Seconds),
                    "before": old[hour].map(Self.describe) ?? .null, "after": new[hour].map(Self.describe) ?? .null,
                ])
            }
        }
        self.changed = changes.count
        self.compared = compared
        json = [
            "report_id": .string(reportID),
            "before": ["rule_set": .string(before.id), "rule_set_hash": .string(before.hash.hex)],
            "after": ["rule_set": .string(after.id), "rule_set_hash": .string(after.hash.hex)],
            "compared": .int(Int64(compared)), "changed": .int(Int64(changes.count)), "changes": .array(changes),
        ]
    }

    private static func describe(_ interval: DerivedInterval) -> JSONValue {
        [
            "calls_attempted": .number(interval.counts.attempted),
            "calls_connected": .number(interval.counts.connected),
            "calls_abandoned": .number(interval.counts.abandoned), "source": .string(interval.source.rawValue),
            "kept": .bool(interval.kept), "dropped_by": interval.droppedBy.map(JSONValue.string) ?? .null,
        ]
    }
}
