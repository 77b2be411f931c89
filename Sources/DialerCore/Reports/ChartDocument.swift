import Foundation

/// The chart report document: per campaign and a total across campaigns, hourly points with the seed's
/// field names plus additive ones, and a compliance section per campaign. Built from derived intervals
/// alone, so a report made during a run and one rebuilt from the log are the same bytes. The canonical
/// bytes are written directly, keys in their sorted order, without building a JSON tree: a ten-year
/// hourly series is some 175,000 points.
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
            reportID: String, runID: String, asOfSeq: UInt64, window: ReportWindow, timeZone: String,
            ruleSet: RuleSet
        ) {
            self.reportID = reportID
            self.runID = runID
            self.asOfSeq = asOfSeq
            self.window = window
            self.timeZone = timeZone
            self.ruleSet = ruleSet
        }
    }

    /// The canonical bytes: what is hashed, uploaded and replayed byte for byte.
    public let bytes: [UInt8]

    /// The document as a JSON value (parsed from `bytes`; for inspection and tests).
    public var json: JSONValue { (try? JSONParser.parse(bytes)) ?? .null }

    /// Builds the document. `campaigns` are in report order with their derived intervals; `failed` maps
    /// a campaign that could not be fetched to the reason. Fails on an unknown time zone.
    public init(header: Header, campaigns: [(id: String, intervals: [DerivedInterval])], failed: [String: String])
        throws
    {
        guard let zone = TimeZone(identifier: header.timeZone) else {
            throw DialerCoreError.invalidField(
                field: "time_zone", reason: "\"\(header.timeZone)\" is not an IANA time zone")
        }
        let kept = campaigns.map { campaign in
            (
                id: campaign.id, all: campaign.intervals,
                kept: campaign.intervals.filter(\.kept).sorted { $0.hour < $1.hour }
            )
        }
        let grid = HourGrid(window: header.window, hours: kept.flatMap { $0.kept.map(\.hour) })
        let labels = HourLabels(grid: grid, zone: zone, isUTC: header.timeZone == "UTC")
        var totals = [HourCounts](repeating: .zero, count: grid.count)
        var sources = [UInt8](repeating: 0, count: grid.count)  // bit per source seen in the hour
        var w = ChartWriter(rules: header.ruleSet, labels: labels)
        w.raw(#"{"as_of_seq":"#)
        w.json.write(int: Int64(header.asOfSeq))
        w.raw(#","campaigns":["#)
        for (index, campaign) in kept.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw(#"{"campaign_id":"#)
            w.json.write(string: campaign.id)
            w.raw(#","compliance":"#)
            try w.json.write(Compliance(intervals: campaign.all, threshold: header.ruleSet.complianceThreshold).json)
            w.raw(#","data":["#)
            for (position, interval) in campaign.kept.enumerated() {
                let slot = grid.index(interval.hour)
                totals[slot] = totals[slot] + interval.counts
                sources[slot] |= interval.source.bit
                if position > 0 { w.raw(",") }
                try w.point(slot, interval.counts, interval.source.rawValue)
            }
            w.raw(#"],"dropped":"#)
            w.json.write(int: Int64(campaign.all.count - campaign.kept.count))
            w.raw("}")
        }
        w.raw(#"],"failed":["#)
        for (index, id) in failed.keys.sorted().enumerated() {
            if index > 0 { w.raw(",") }
            w.raw(#"{"campaign_id":"#)
            w.json.write(string: id)
            w.raw(#","error":"#)
            w.json.write(string: failed[id]!)
            w.raw("}")
        }
        w.raw(#"],"report_id":"#)
        w.json.write(string: header.reportID)
        w.raw(#","rule_set":"#)
        w.json.write(string: header.ruleSet.id)
        w.raw(#","rule_set_hash":"#)
        w.json.write(digest: header.ruleSet.hash)
        w.raw(#","run_id":"#)
        w.json.write(string: header.runID)
        w.raw(#","time_zone":"#)
        w.json.write(string: header.timeZone)
        w.raw(#","total":{"campaign_id":"ALL","data":["#)
        var first = true
        for slot in 0..<grid.count where sources[slot] != 0 {
            if !first { w.raw(",") }
            first = false
            try w.point(slot, totals[slot], DerivedInterval.Source.name(ofBits: sources[slot]))
        }
        w.raw(#"]},"window":{"end":"#)
        w.json.write(string: header.window.end.rfc3339)
        w.raw(#","start":"#)
        w.json.write(string: header.window.start.rfc3339)
        w.raw("}}")
        bytes = w.json.bytes
    }
}

/// Writes chart points: `{"abandonment_rate",…,"timestamp"}` in canonical key order.
private struct ChartWriter {
    var json = CanonicalJSONWriter(capacity: 1 << 16)
    let rules: RuleSet
    let labels: HourLabels

    mutating func raw(_ text: StaticString) { json.writeRaw(text) }

    /// One point: the counts of hour `slot` of the grid, their rates, the source and the local label.
    mutating func point(_ slot: Int, _ counts: HourCounts, _ source: String) throws {
        let rates = HourRates(counts, decimals: rules.rateDecimals)
        raw(#"{"abandonment_rate":"#)
        try rate(rates.abandonmentRate)
        raw(#","calls_abandoned":"#)
        try json.write(double: counts.abandoned)
        raw(#","calls_attempted":"#)
        try json.write(double: counts.attempted)
        raw(#","calls_connected":"#)
        try json.write(double: counts.connected)
        raw(#","compliance_abandonment_rate":"#)
        try rate(rates.complianceAbandonmentRate)
        raw(#","contact_rate":"#)
        try rate(rates.contactRate)
        if let reason = rates.reason {
            raw(#","rate_note":"#)
            json.write(string: reason)
        }
        raw(#","source":""#)
        json.writeRaw(bytes: Array(source.utf8))
        raw(#"","timestamp":""#)
        labels.write(slot, to: &json)
        raw(#""}"#)
    }

    /// A rounded rate: `rate_decimals` digits at most, so it is written from its scaled integer, the
    /// same digits as the shortest form of the double (Swift writes no exponent down to 1e-4).
    private mutating func rate(_ value: Double?) throws {
        guard let value else { return raw("null") }
        let scaled = (value * rules.scale).rounded()
        guard rules.rateDecimals <= 4, scaled >= 0, scaled < 1e15 else { return try json.write(double: value) }
        var whole = Int64(scaled)
        var decimals = rules.rateDecimals
        while decimals > 0, whole % 10 == 0 {
            whole /= 10
            decimals -= 1
        }
        var power: Int64 = 1
        for _ in 0..<decimals { power *= 10 }
        json.write(int: whole / power)
        guard decimals > 0 else { return }
        json.bytes.append(UInt8(ascii: "."))
        var fraction = whole % power
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: decimals)
        for index in stride(from: decimals - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        json.bytes.append(contentsOf: digits)
    }
}

/// The hours a chart can show, as slots: from the window's first hour (or an earlier interval) on.
struct HourGrid {
    let first: Int64
    let count: Int

    init(window: ReportWindow, hours: [Timestamp]) {
        let hourMs = ObservedHour.hourMilliseconds
        var low = window.start.milliseconds - ((window.start.milliseconds % hourMs) + hourMs) % hourMs
        var high = window.end.milliseconds
        for hour in hours {
            low = min(low, hour.milliseconds)
            high = max(high, hour.milliseconds + hourMs)
        }
        first = low
        count = Int((high - low + hourMs - 1) / hourMs)
    }

    func index(_ hour: Timestamp) -> Int { Int((hour.milliseconds - first) / ObservedHour.hourMilliseconds) }

    func hour(_ index: Int) -> Int64 { first + Int64(index) * ObservedHour.hourMilliseconds }
}

/// Every slot's label in the report's zone, RFC 3339 with the zone's offset then (`Z` for UTC), so a
/// DST day shows 23 or 25 distinct local hours. The zone is asked once per offset change, not per hour.
/// Reads no environment: the zone is given.
struct HourLabels {
    private let text: [UInt8]
    private let width: Int

    init(grid: HourGrid, zone: TimeZone, isUTC: Bool) {
        width = isUTC ? 20 : 25
        var text = [UInt8]()
        text.reserveCapacity(grid.count * width)
        var offset: Int64 = 0
        var offsetUntil = Int64.min
        var local: [UInt8] = []
        for slot in 0..<grid.count {
            let hour = grid.hour(slot)
            if !isUTC, hour >= offsetUntil {
                let date = Date(timeIntervalSince1970: Double(hour) / 1000)
                offset = Int64(zone.secondsFromGMT(for: date)) * 1000
                offsetUntil =
                    zone.nextDaylightSavingTimeTransition(after: date).map {
                        Int64(($0.timeIntervalSince1970 * 1000).rounded(.up))
                    } ?? .max
            }
            local.removeAll(keepingCapacity: true)
            Timestamp(milliseconds: hour + offset).appendRFC3339(to: &local)  // yyyy-mm-ddThh:mm:ss.000Z
            text.append(contentsOf: local.prefix(19))
            guard !isUTC else {
                text.append(UInt8(ascii: "Z"))
                continue
            }
            let minutes = abs(offset) / 60_000
            text.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            Self.appendTwoDigits(minutes / 60, to: &text)
            text.append(UInt8(ascii: ":"))
            Self.appendTwoDigits(minutes % 60, to: &text)
        }
        self.text = text
    }

    private static func appendTwoDigits(_ value: Int64, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
        text.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    func write(_ slot: Int, to json: inout CanonicalJSONWriter) {
        json.bytes.append(contentsOf: text[(slot * width)..<((slot + 1) * width)])
    }
}

extension DerivedInterval.Source {
    /// Its bit in a set of sources.
    var bit: UInt8 {
        switch self {
        case .observed: 1
        case .interpolated: 2
        case .filled: 4
        }
    }

    /// The name of a set of sources: the one source, or `mixed`.
    static func name(ofBits bits: UInt8) -> String {
        switch bits {
        case 1: "observed"
        case 2: "interpolated"
        case 4: "filled"
        default: "mixed"
        }
    }
}

extension RuleSet {
    /// 10^rate_decimals.
    var scale: Double { (0..<rateDecimals).reduce(1.0) { value, _ in value * 10 } }
}
