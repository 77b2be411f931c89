import Foundation

/// The chart report document: per campaign and a total across campaigns, hourly points with the seed's
/// field names plus additive ones, and a compliance section per campaign. Built from derived intervals
/// and the campaigns' observed history (both read from the log through the as-of point), so a report
/// made during a run and one rebuilt from the log are the same bytes. The canonical
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
    /// a campaign that could not be fetched to the reason; `history` holds each campaign's observed hours
    /// as of the report, which its compliance section is computed from. Fails on an unknown time zone.
    public init(
        header: Header, campaigns: [(id: String, intervals: [DerivedInterval])], failed: [String: String],
        history: ObservedHistory
    ) throws {
        guard let zone = TimeZone(identifier: header.timeZone) else {
            throw DialerCoreError.invalidField(
                field: "time_zone", reason: "\"\(header.timeZone)\" is not an IANA time zone")
        }
        let kept = campaigns.map { campaign in
            let shown = campaign.intervals.filter(\.kept)
            return (
                id: campaign.id, all: campaign.intervals,
                kept: shown.isSortedByHour ? shown : shown.sorted { $0.hour < $1.hour }
            )
        }
        let grid = HourGrid(window: header.window, campaigns: kept.map(\.kept))
        let labels = HourLabels(grid: grid, zone: zone, isUTC: header.timeZone == "UTC")
        var totals = [HourCounts](repeating: .zero, count: grid.count)
        var sources = [UInt8](repeating: 0, count: grid.count)  // bit per source seen in the hour
        var contributors = [Int32](repeating: 0, count: grid.count)
        for campaign in kept {
            for interval in campaign.kept {
                let slot = grid.index(interval.hour)
                totals[slot] = totals[slot] + interval.counts
                sources[slot] |= interval.source.bit
                contributors[slot] += 1
            }
        }
        // The small parts are encoded first; the points, nearly all of the bytes, are then written
        // straight into the document's buffer, sized from a bound on a point's length.
        let openings: [[UInt8]] = try kept.enumerated().map { index, campaign in
            var w = CanonicalJSONWriter(capacity: 512)
            w.writeRaw(index == 0 ? #"{"campaign_id":"# : #",{"campaign_id":"#)
            w.write(string: campaign.id)
            w.writeRaw(#","compliance":"#)
            try w.write(Compliance(observed: history[campaign.id], window: header.window, rules: header.ruleSet).json)
            w.writeRaw(#","data":["#)
            return w.bytes
        }
        let closings: [[UInt8]] = kept.map { campaign in
            var w = CanonicalJSONWriter(capacity: 32)
            w.writeRaw(#"],"dropped":"#)
            w.write(int: Int64(campaign.all.count - campaign.kept.count))
            w.writeRaw("}")
            return w.bytes
        }
        var head = CanonicalJSONWriter(capacity: 64)
        head.writeRaw(#"{"as_of_seq":"#)
        head.write(int: Int64(header.asOfSeq))
        head.writeRaw(#","campaigns":["#)
        var middle = CanonicalJSONWriter(capacity: 1024)
        middle.writeRaw(#"],"failed":"#)
        try middle.write(
            .array(failed.keys.sorted().map { ["campaign_id": .string($0), "error": .string(failed[$0]!)] }))
        middle.writeRaw(#","report_id":"#)
        middle.write(string: header.reportID)
        middle.writeRaw(#","rule_set":"#)
        middle.write(string: header.ruleSet.id)
        middle.writeRaw(#","rule_set_hash":"#)
        middle.write(digest: header.ruleSet.hash)
        middle.writeRaw(#","run_id":"#)
        middle.write(string: header.runID)
        middle.writeRaw(#","time_zone":"#)
        middle.write(string: header.timeZone)
        middle.writeRaw(#","total":{"campaign_id":"ALL","data":["#)
        var tail = CanonicalJSONWriter(capacity: 96)
        tail.writeRaw(#"]},"window":{"end":"#)
        tail.write(string: header.window.end.rfc3339)
        tail.writeRaw(#","start":"#)
        tail.write(string: header.window.start.rfc3339)
        tail.writeRaw("}}")

        let points = kept.reduce(0) { $0 + $1.kept.count } + sources.count { $0 != 0 }
        let fixed = ([head.bytes, middle.bytes, tail.bytes] + openings + closings).reduce(0) { $0 + $1.count }
        let rules = header.ruleSet
        bytes = try [UInt8](unsafeUninitializedCapacity: fixed + points * PointWriter.maxPointBytes) {
            buffer, count in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            var w = PointWriter(buffer: buffer, rules: rules, labels: labels)
            // Where each hour's point was written, for hours only one campaign has: the total's point
            // for such an hour is the same bytes (same counts, source and label), so it is copied.
            var written = [Int](repeating: 0, count: grid.count)
            w.append(head.bytes)
            for (index, campaign) in kept.enumerated() {
                w.append(openings[index])
                for (position, interval) in campaign.kept.enumerated() {
                    if position > 0 { w.append(UInt8(ascii: ",")) }
                    let slot = grid.index(interval.hour)
                    written[slot] = w.count
                    try w.point(slot, interval.counts, interval.source.bit)
                }
                w.append(closings[index])
            }
            w.append(middle.bytes)
            var first = true
            for slot in 0..<grid.count where sources[slot] != 0 {
                if !first { w.append(UInt8(ascii: ",")) }
                first = false
                if contributors[slot] == 1 {
                    w.copyPoint(from: written[slot])
                } else {
                    try w.point(slot, totals[slot], sources[slot])
                }
            }
            w.append(tail.bytes)
            count = w.count
        }
    }
}

/// Writes the document into a buffer sized in advance: chart points
/// `{"abandonment_rate",…,"timestamp"}` in canonical key order, and the parts encoded before them.
private struct PointWriter {
    /// No point is longer: its keys and punctuation (about 190 bytes), three counts and three rates
    /// of at most 24 characters each, a rate note and a 25-byte label.
    static let maxPointBytes = 400

    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    private let rules: RuleSet
    private let labels: HourLabels
    private let scale: Double
    private var scratch = CanonicalJSONWriter(capacity: 32)

    init(buffer: UnsafeMutableBufferPointer<UInt8>, rules: RuleSet, labels: HourLabels) {
        base = buffer.baseAddress!
        capacity = buffer.count
        self.rules = rules
        self.labels = labels
        scale = rules.scale
    }

    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: [UInt8]) {
        precondition(count + bytes.count <= capacity, "chart buffer bound exceeded")
        bytes.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: $0.count) }
        count += bytes.count
    }

    /// Appends again the point written at `start` (it ends at its closing brace).
    mutating func copyPoint(from start: Int) {
        var end = start
        while base[end] != UInt8(ascii: "}") { end += 1 }
        let length = end + 1 - start
        (base + count).update(from: base + start, count: length)
        count += length
    }

    private mutating func raw(_ text: StaticString) {
        (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    /// One point: the counts of hour `slot` of the grid, their rates, the sources (bits) and the label.
    mutating func point(_ slot: Int, _ counts: HourCounts, _ sources: UInt8) throws {
        precondition(count + Self.maxPointBytes <= capacity, "chart buffer bound exceeded")
        let rates = HourRates(counts, decimals: rules.rateDecimals)
        raw(#"{"abandonment_rate":"#)
        try rate(rates.abandonmentRate)
        raw(#","calls_abandoned":"#)
        try number(counts.abandoned)
        raw(#","calls_attempted":"#)
        try number(counts.attempted)
        raw(#","calls_connected":"#)
        try number(counts.connected)
        raw(#","compliance_abandonment_rate":"#)
        try rate(rates.complianceAbandonmentRate)
        raw(#","contact_rate":"#)
        try rate(rates.contactRate)
        switch rates.reason {
        case nil: break
        case "no attempts": raw(#","rate_note":"no attempts""#)
        case let reason?:
            scratch.bytes.removeAll(keepingCapacity: true)
            scratch.writeRaw(#","rate_note":"#)
            scratch.write(string: reason)
            append(scratch.bytes)
        }
        switch sources {
        case 1: raw(#","source":"observed","timestamp":""#)
        case 2: raw(#","source":"interpolated","timestamp":""#)
        case 4: raw(#","source":"filled","timestamp":""#)
        default: raw(#","source":"mixed","timestamp":""#)
        }
        labels.withLabel(slot) { label in
            (base + count).update(from: label.baseAddress!, count: label.count)
            count += label.count
        }
        raw(#""}"#)
    }

    /// A whole number (nearly every count) straight from its digits; any other in its shortest form.
    private mutating func number(_ value: Double) throws {
        guard value == value.rounded(.towardZero), abs(value) < 9.0e15 else {
            scratch.bytes.removeAll(keepingCapacity: true)
            try scratch.write(double: value)
            return append(scratch.bytes)
        }
        integer(Int64(value))
    }

    private mutating func integer(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var power: UInt64 = 1
        while magnitude / power >= 10 {
            power *= 10
            digits += 1
        }
        for _ in 0..<digits {
            append(UInt8(ascii: "0") + UInt8(magnitude / power))
            magnitude %= power
            power /= 10
        }
    }

    /// A rounded rate: `rate_decimals` digits at most, so it is written from its scaled integer, the
    /// same digits as the shortest form of the double (Swift writes no exponent down to 1e-4).
    private mutating func rate(_ value: Double?) throws {
        guard let value else { return raw("null") }
        let scaled = (value * scale).rounded()
        guard rules.rateDecimals <= 4, scaled >= 0, scaled < 1e15 else { return try number(value) }
        var whole = Int64(scaled)
        var decimals = rules.rateDecimals
        while decimals > 0, whole % 10 == 0 {
            whole /= 10
            decimals -= 1
        }
        var power: Int64 = 1
        for _ in 0..<decimals { power *= 10 }
        integer(whole / power)
        guard decimals > 0 else { return }
        append(UInt8(ascii: "."))
        let fraction = whole % power
        while power > 1 {
            power /= 10
            append(UInt8(ascii: "0") + UInt8(fraction / power % 10))
        }
    }
}

/// The hours a chart can show, as slots: from the first hour that starts in the window (or an earlier
/// interval, as runs recorded before hours were counted so) on.
struct HourGrid {
    let first: Int64
    let count: Int

    init(window: ReportWindow, campaigns: [[DerivedInterval]]) {
        let hourMs = ObservedHour.hourMilliseconds
        var low = IntervalDeriver.firstHour(from: window.start)
        var high = window.end.milliseconds
        for intervals in campaigns {  // each sorted: its first and last hour bound it
            if let first = intervals.first { low = min(low, first.hour.milliseconds) }
            if let last = intervals.last { high = max(high, last.hour.milliseconds + hourMs) }
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
        var suffix: [UInt8] = Array("Z".utf8)
        var day = Int64.min
        var date: [UInt8] = []  // "yyyy-mm-ddT" of the current local day
        for slot in 0..<grid.count {
            let hour = grid.hour(slot)
            if !isUTC, hour >= offsetUntil {
                let instant = Date(timeIntervalSince1970: Double(hour) / 1000)
                offset = Int64(zone.secondsFromGMT(for: instant)) * 1000
                offsetUntil =
                    zone.nextDaylightSavingTimeTransition(after: instant).map {
                        Int64(($0.timeIntervalSince1970 * 1000).rounded(.up))
                    } ?? .max
                let minutes = abs(offset) / 60_000
                suffix = [UInt8(ascii: offset < 0 ? "-" : "+")]
                Self.appendTwoDigits(minutes / 60, to: &suffix)
                suffix.append(UInt8(ascii: ":"))
                Self.appendTwoDigits(minutes % 60, to: &suffix)
            }
            let local = hour + offset
            let (localDay, msOfDay) = local.floorDivided(by: 86_400_000)
            if localDay != day {
                day = localDay
                date.removeAll(keepingCapacity: true)
                Timestamp(milliseconds: localDay * 86_400_000).appendRFC3339(to: &date)
                date.removeLast(date.count - 11)
            }
            text.append(contentsOf: date)
            let minuteOfDay = msOfDay / 60_000
            Self.appendTwoDigits(minuteOfDay / 60, to: &text)
            text.append(UInt8(ascii: ":"))
            Self.appendTwoDigits(minuteOfDay % 60, to: &text)
            text.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            text.append(contentsOf: suffix)
        }
        self.text = text
    }

    private static func appendTwoDigits(_ value: Int64, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
        text.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Calls `body` with the label of `slot`.
    func withLabel(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(slot * width)..<((slot + 1) * width)])) }
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
}

extension RuleSet {
    /// 10^rate_decimals.
    var scale: Double { (0..<rateDecimals).reduce(1.0) { value, _ in value * 10 } }
}

/// Asks the kernel for 2 MiB pages under a large buffer about to be written front to back (Linux with
/// transparent huge pages on `madvise`): a ten-year chart otherwise takes thousands of page faults.
private func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 4 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + buffer.count) / huge * huge
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
    #endif
}
