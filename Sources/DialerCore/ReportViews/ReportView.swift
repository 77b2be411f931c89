import Foundation

/// A report as people read it, built once from its content and rendered by `ReportPage` (HTML),
/// `ReportCSV` and anything else that shows the figures (an e-mail): the header, every hour of the report's
/// grid labelled in its zone, per campaign and in total the hours kept and dropped with their sources,
/// the figures summed over the kept hours, and the compliance verdicts. Pure: no clock, no environment.
public struct ReportView: Sendable {
    /// A compliance judgement, as the chart JSON names it.
    public enum Verdict: String, Sendable {
        case pass
        case breach
        case insufficientData = "insufficient_data"

        /// The verdict in words.
        public var text: String { self == .insufficientData ? "insufficient data" : rawValue }
    }

    /// Where an hour's counts came from; `mixed` in the total when the campaigns' sources differ.
    public enum Source: String, Sendable {
        case observed, interpolated, filled, mixed
    }

    /// One hour of the report's grid: its start and its label in the report's zone (as the chart JSON's
    /// `timestamp`).
    public struct Slot: Sendable {
        /// The hour's start.
        public var start: Timestamp
        /// `2026-11-30T01:00:00+01:00`, as the chart JSON's `timestamp`.
        public var label: String
    }

    /// A campaign's (or the total's) derived hour.
    public struct Hour: Sendable {
        /// The hour's counts (summed across campaigns in the total).
        public var counts: HourCounts
        /// The rates of `counts`, rounded by the rule set.
        public var rates: HourRates
        /// Where the counts came from.
        public var source: Source
        /// The rule that dropped the hour, or nil when it is kept.
        public var droppedBy: String?

        /// Whether the report shows it.
        public var kept: Bool { droppedBy == nil }
    }

    /// The hours of one campaign or of the total, aligned with `slots`, and their figures.
    public struct Series: Sendable {
        /// The campaign, or `ALL` for the total.
        public var campaignID: String
        /// Per slot: the hour, or nil where none was derived.
        public var hours: [Hour?]
        /// The kept hours' counts summed.
        public var counts: HourCounts
        /// The rates of `counts` (sum first, then divide).
        public var rates: HourRates
        /// How many kept hours were observed, interpolated and filled, and how many hours were dropped.
        public var observed = 0, interpolated = 0, filled = 0, dropped = 0
    }

    /// One rolling window's judgement of a campaign (see the chart JSON's `compliance`).
    public struct ComplianceWindow: Sendable {
        /// 24 or 720.
        public var hours: Int64
        /// The window's judgement.
        public var verdict: Verdict
        /// The worst covered window's rate (or, with none covered, the worst window's), rounded.
        public var rate: Double?
        /// How many windows ended in the report.
        public var windows: Int64
        /// How many of them were covered (at least 90 % observed).
        public var windowsCovered: Int64
    }

    /// A reported campaign: its hours and its compliance.
    public struct Campaign: Sendable {
        /// Its hours and figures.
        public var series: Series
        /// The rolling 24-hour and 30-day windows.
        public var compliance: [ComplianceWindow]
        /// `breach` when a window breaches, else `pass` when one passes, else `insufficient_data`.
        public var verdict: Verdict
    }

    /// A campaign that could not be fetched.
    public struct FailedCampaign: Sendable {
        /// The campaign.
        public var campaignID: String
        /// Why it could not be fetched, as recorded.
        public var reason: String
    }

    /// The report's id, run, as-of point, window, zone (the hours' labels) and rule set.
    public var header: ChartDocument.Header
    /// The SHA-256 of the report's chart JSON, when known.
    public var sha256: SHA256Digest?
    /// The rule set the hours were derived under.
    public var ruleSet: RuleSet { header.ruleSet }
    /// Every hour of the grid, in order.
    public var slots: [Slot]
    /// The reported campaigns, in report order.
    public var campaigns: [Campaign]
    /// Across campaigns: each hour's kept counts summed (an hour no campaign kept is dropped, with the rules
    /// that dropped it).
    public var total: Series
    /// The failed campaigns, by id.
    public var failed: [FailedCampaign]
    /// The report's verdict: `breach` when a campaign breaches, `pass` when every campaign passes, else
    /// `insufficient_data`.
    public var verdict: Verdict

    /// Builds the view of `content`, whose chart JSON has `sha256` (nil when not known). Fails on an
    /// unknown time zone.
    public init(_ content: ReportContent, sha256: SHA256Digest?) throws {
        let header = content.header
        guard let zone = TimeZone(identifier: header.timeZone) else {
            throw DialerCoreError.invalidField(
                field: "time_zone", reason: "\"\(header.timeZone)\" is not an IANA time zone")
        }
        let rules = header.ruleSet
        let sorted = content.campaigns.map { campaign in
            (
                id: campaign.id,
                intervals: campaign.intervals.isSortedByHour
                    ? campaign.intervals : campaign.intervals.sorted { $0.hour < $1.hour }
            )
        }
        let grid = HourGrid(window: header.window, campaigns: sorted.map(\.intervals))
        let labels = HourLabels(grid: grid, zone: zone, isUTC: header.timeZone == "UTC")
        slots = (0..<grid.count).map { Slot(start: Timestamp(milliseconds: grid.hour($0)), label: labels.label($0)) }
        campaigns = sorted.map { campaign in
            var hours = [Hour?](repeating: nil, count: grid.count)
            for interval in campaign.intervals {
                hours[grid.index(interval.hour)] = Hour(
                    counts: interval.counts, rates: HourRates(interval.counts, decimals: rules.rateDecimals),
                    source: Source(interval.source), droppedBy: interval.droppedBy)
            }
            let series = Series(campaignID: campaign.id, hours: hours, rules: rules)
            let compliance = Compliance(
                observed: content.history[campaign.id], window: header.window, rules: rules
            ).json
            let windows = [("rolling_24h", Int64(24)), ("rolling_30d", Int64(720))].map { key, hours in
                let section = compliance[key]
                return ComplianceWindow(
                    hours: hours,
                    verdict: section?["verdict"]?.stringValue.flatMap(Verdict.init(rawValue:)) ?? .insufficientData,
                    rate: section?["rate"]?.doubleValue, windows: section?["windows"]?.intValue ?? 0,
                    windowsCovered: section?["windows_covered"]?.intValue ?? 0)
            }
            let verdict: Verdict =
                windows.contains { $0.verdict == .breach }
                ? .breach : windows.contains { $0.verdict == .pass } ? .pass : .insufficientData
            return Campaign(series: series, compliance: windows, verdict: verdict)
        }
        total = Series(total: campaigns.map(\.series), count: grid.count, rules: rules)
        failed = content.failed.keys.sorted().map { FailedCampaign(campaignID: $0, reason: content.failed[$0]!) }
        verdict =
            campaigns.contains { $0.verdict == .breach }
            ? .breach
            : !campaigns.isEmpty && campaigns.allSatisfy { $0.verdict == .pass } ? .pass : .insufficientData
        self.header = header
        self.sha256 = sha256
        windowText =
            "\(Self.local(header.window.start, zone)) – \(Self.local(header.window.end, zone)) (\(header.timeZone))"
    }

    /// The window in the report's zone: `2026-11-30 00:00 UTC+01:00 – 2026-12-01 00:00 UTC+01:00 (Europe/Paris)`.
    public var windowText: String

    /// An instant in `zone` to the minute (to the second when it has seconds), with its offset.
    private static func local(_ instant: Timestamp, _ zone: TimeZone) -> String {
        let text = Array(instant.rfc3339(in: zone))  // 2026-11-30T00:00:00+01:00, or …Z
        let time = String(text[11..<16]) + (text[17...18] == ["0", "0"] ? "" : ":" + String(text[17...18]))
        let offset = String(text[19...])
        return String(text[0..<10]) + " " + time + " UTC" + (offset == "Z" ? "" : offset)
    }
}

extension ReportView.Source {
    init(_ source: DerivedInterval.Source) {
        switch source {
        case .observed: self = .observed
        case .interpolated: self = .interpolated
        case .filled: self = .filled
        }
    }
}

extension ReportView.Series {
    /// A campaign's series: `hours` per slot, summed over the kept ones.
    init(campaignID: String, hours: [ReportView.Hour?], rules: RuleSet) {
        var counts = HourCounts.zero
        var tally = (observed: 0, interpolated: 0, filled: 0, dropped: 0)
        for hour in hours {
            guard let hour else { continue }
            guard hour.kept else {
                tally.dropped += 1
                continue
            }
            counts = counts + hour.counts
            switch hour.source {
            case .observed: tally.observed += 1
            case .interpolated: tally.interpolated += 1
            case .filled: tally.filled += 1
            case .mixed: break
            }
        }
        self.init(
            campaignID: campaignID, hours: hours, counts: counts,
            rates: HourRates(counts, decimals: rules.rateDecimals),
            observed: tally.observed, interpolated: tally.interpolated, filled: tally.filled, dropped: tally.dropped)
    }

    /// The total of `series` (`ALL`): per slot the kept counts summed, their source (`mixed` when the
    /// campaigns' differ); a slot no campaign kept but some dropped is dropped by their rules.
    init(total series: [ReportView.Series], count: Int, rules: RuleSet) {
        var hours = [ReportView.Hour?](repeating: nil, count: count)
        for slot in 0..<count {
            let present = series.compactMap { $0.hours[slot] }
            let kept = present.filter(\.kept)
            let dropping = kept.isEmpty ? Set(present.compactMap(\.droppedBy)).sorted() : []
            guard !kept.isEmpty || !dropping.isEmpty else { continue }
            let counts = (kept.isEmpty ? present : kept).reduce(HourCounts.zero) { $0 + $1.counts }
            let sources = Set(kept.map(\.source.rawValue))
            hours[slot] = ReportView.Hour(
                counts: counts, rates: HourRates(counts, decimals: rules.rateDecimals),
                source: sources.count > 1 ? .mixed : (kept.first ?? present[0]).source,
                droppedBy: dropping.isEmpty ? nil : dropping.joined(separator: ","))
        }
        self.init(campaignID: "ALL", hours: hours, rules: rules)
    }
}

extension HourLabels {
    /// The label of `slot`.
    func label(_ slot: Int) -> String {
        var text = ""
        withLabel(slot) { text = String(decoding: $0, as: UTF8.self) }
        return text
    }
}
