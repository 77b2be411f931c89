import Foundation

/// The chart report document: per campaign and a total across campaigns, hourly points with the seed's
/// field names plus additive ones, and a compliance section per campaign. Built from derived intervals
/// alone, so a report made during a run and one rebuilt from the log are the same bytes.
public struct ChartDocument: Sendable {
    /// What the report is about.
    public struct Header: Sendable {
        public var reportID: String
        public var runID: String
        public var asOfSeq: UInt64
        public var window: ReportWindow
        public var timeZone: String
        public var ruleSet: RuleSet

        /// A header with every field given.
        public init(
            reportID: String, runID: String, asOfSeq: UInt64, window: ReportWindow,
            timeZone: String, ruleSet: RuleSet
        ) {
            self.reportID = reportID
            self.runID = runID
            self.asOfSeq = asOfSeq
            self.window = window
            self.timeZone = timeZone
            self.ruleSet = ruleSet
        }
    }

    /// The document as JSON.
    public let json: JSONValue

    /// Builds the document. `campaigns` are in report order with their derived intervals; `failed` maps
    /// a campaign that could not be fetched to the reason. Fails on an unknown time zone.
    public init(header: Header, campaigns: [(id: String, intervals: [DerivedInterval])], failed: [String: String])
        throws
    {
        guard let zone = TimeZone(identifier: header.timeZone) else {
            throw DialerCoreError.invalidField(
                field: "time_zone", reason: "\"\(header.timeZone)\" is not an IANA time zone")
        }
        let rules = header.ruleSet
        let label = HourLabeler(zone: zone, isUTC: header.timeZone == "UTC")
        var totals: [Int64: (counts: HourCounts, sources: Set<DerivedInterval.Source>)] = [:]
        var campaignDocuments: [JSONValue] = []
        for (id, intervals) in campaigns {
            let kept = intervals.filter(\.kept).sorted { $0.hour < $1.hour }
            for interval in kept {
                var entry = totals[interval.hour.milliseconds] ?? (.zero, [])
                entry.counts = entry.counts + interval.counts
                entry.sources.insert(interval.source)
                totals[interval.hour.milliseconds] = entry
            }
            campaignDocuments.append([
                "campaign_id": .string(id),
                "data": .array(kept.map { Self.point(label($0.hour), $0.counts, $0.source.rawValue, rules) }),
                "dropped": .int(Int64(intervals.count - kept.count)),
                "compliance": Compliance(intervals: intervals, threshold: rules.complianceThreshold).json,
            ])
        }
        let totalData: [JSONValue] = totals.keys.sorted().map { hour in
            let entry = totals[hour]!
            let source = entry.sources.count == 1 ? entry.sources.first!.rawValue : "mixed"
            return Self.point(label(Timestamp(milliseconds: hour)), entry.counts, source, rules)
        }
        json = [
            "report_id": .string(header.reportID), "run_id": .string(header.runID),
            "as_of_seq": .int(Int64(header.asOfSeq)), "time_zone": .string(header.timeZone),
            "window": header.window.json,
            "rule_set": .string(rules.id), "rule_set_hash": .string(rules.hash.hex),
            "campaigns": .array(campaignDocuments),
            "total": ["campaign_id": "ALL", "data": .array(totalData)],
            "failed": .array(failed.keys.sorted().map { ["campaign_id": .string($0), "error": .string(failed[$0]!)] }),
        ]
    }

    /// The canonical bytes: what is hashed, uploaded and replayed byte for byte.
    public var bytes: [UInt8] { (try? CanonicalJSON(json).bytes) ?? [] }

    private static func point(_ timestamp: String, _ counts: HourCounts, _ source: String, _ rules: RuleSet)
        -> JSONValue
    {
        let rates = HourRates(counts, decimals: rules.rateDecimals)
        var point: [String: JSONValue] = [
            "timestamp": .string(timestamp), "calls_attempted": .number(counts.attempted),
            "calls_connected": .number(counts.connected), "calls_abandoned": .number(counts.abandoned),
            "contact_rate": rates.contactRate.map(JSONValue.number) ?? .null,
            "abandonment_rate": rates.abandonmentRate.map(JSONValue.number) ?? .null,
            "compliance_abandonment_rate": rates.complianceAbandonmentRate.map(JSONValue.number) ?? .null,
            "source": .string(source),
        ]
        if let reason = rates.reason { point["rate_note"] = .string(reason) }
        return .object(point)
    }
}

/// Labels an hour in the report's zone, RFC 3339 with the zone's offset then (`Z` for UTC), so a DST
/// day shows 23 or 25 distinct local hours. Reads no environment: the zone is given.
struct HourLabeler {
    let zone: TimeZone
    let isUTC: Bool

    func callAsFunction(_ hour: Timestamp) -> String {
        guard !isUTC else { return Self.utc(hour) }
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour.milliseconds) / 1000)))
        let local = Self.utc(Timestamp(milliseconds: hour.milliseconds + offset * 1000)).dropLast()
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return local + sign + Self.two(minutes / 60) + ":" + Self.two(minutes % 60)
    }

    private static func utc(_ instant: Timestamp) -> String {
        let text = instant.rfc3339  // yyyy-mm-ddThh:mm:ss.mmmZ
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
