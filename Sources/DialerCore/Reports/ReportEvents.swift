import Foundation

/// The payloads of a report run's events, each with its stored type name. Each reads back what it
/// writes, so projectors and the pipeline share one definition of every field.
public enum ReportEvent {
    /// Stored type names (each owned by its `RecordedEvent` type).
    public static let runStarted = ReportRunStarted.storedType
    public static let ruleSetActivated = RuleSetActivated.storedType
    public static let pageFetched = MetricPageFetched.storedType
    public static let fetchFailed = MetricFetchFailed.storedType
    public static let intervalDerived = IntervalDerivedPayload.storedType
    public static let generated = ReportGenerated.storedType
    public static let runFailed = ReportRunFailed.storedType

    /// The stream of a run's own events.
    public static func runStream(_ runID: UUID) -> String { "run:\(runID.uuidString.lowercased())" }
    /// The stream of a rule set's activations.
    public static func ruleSetStream(_ id: String) -> String { "rules:\(id)" }
    /// The stream of a campaign's facts.
    public static func campaignStream(_ campaignID: String) -> String { "campaign:\(campaignID)" }
}

/// A campaign-hour as derived, the payload of `IntervalDerived`.
public struct IntervalDerivedPayload: RecordedEvent, Hashable {
    public static let storedType = "IntervalDerived"
    /// The campaign.
    public var campaignID: String
    /// The hour and its counts, source and verdict.
    public var interval: DerivedInterval
    /// The rule set's id.
    public var ruleSet: String
    /// The rule set's hash.
    public var ruleSetHash: SHA256Digest

    /// A payload with every field given.
    public init(campaignID: String, interval: DerivedInterval, ruleSet: String, ruleSetHash: SHA256Digest) {
        self.campaignID = campaignID
        self.interval = interval
        self.ruleSet = ruleSet
        self.ruleSetHash = ruleSetHash
    }

    /// As stored.
    public var json: JSONValue {
        [
            "campaign_id": .string(campaignID), "hour": .string(interval.hour.rfc3339),
            "calls_attempted": .number(interval.counts.attempted),
            "calls_connected": .number(interval.counts.connected),
            "calls_abandoned": .number(interval.counts.abandoned), "source": .string(interval.source.rawValue),
            "kept": .bool(interval.kept), "dropped_by": interval.droppedBy.map(JSONValue.string) ?? .null,
            "rule_set": .string(ruleSet), "rule_set_hash": .string(ruleSetHash.hex),
        ]
    }

    /// Reads a stored payload; `field` names it in errors.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let source = DerivedInterval.Source(rawValue: try read.string("source")) else {
            throw read.fail("source", "must be observed, interpolated or filled")
        }
        let droppedBy = try read.optionalString("dropped_by")
        guard case .bool(let kept)? = json["kept"], kept == (droppedBy == nil) else {
            throw read.fail("kept", "must be true exactly when dropped_by is null")
        }
        self.init(
            campaignID: try read.string("campaign_id"),
            interval: DerivedInterval(
                hour: try read.instant("hour"),
                counts: HourCounts(
                    attempted: try read.number("calls_attempted"), connected: try read.number("calls_connected"),
                    abandoned: try read.number("calls_abandoned")),
                source: source, droppedBy: droppedBy),
            ruleSet: try read.string("rule_set"), ruleSetHash: try read.digest("rule_set_hash"))
    }
}
