import Mustache

/// The report page: one self-contained HTML document (inline style, inline SVG charts, no script, no
/// external URL) rendered from a `ReportView` with an embedded Mustache template, so it opens offline, in
/// a mail client and from a bucket link. Pure: the same view gives the same bytes in any process, zone or
/// locale.
public enum ReportPage {
    /// The page's media type.
    public static let mediaType = "text/html; charset=utf-8"
    /// What a server sends with the page: it needs nothing but its own inline style (and `data:` images).
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    /// The page of `view`, UTF-8, ending with a newline.
    public static func html(_ view: ReportView) -> [UInt8] {
        Array(template.render(PageContext(view)).utf8)
    }

    /// Parsed once.
    private static let template = MustacheTemplate.embedded(ReportPageTemplate.text, name: "report page")
}

/// What the template reads (by name, through `Mirror`): every value already text.
private struct PageContext {
    struct Tile {
        let label: String
        let value: String
        let note: String
        let verdict: String
    }
    struct Row {
        let campaignID: String
        let attempted, connected, abandoned, contactRate, abandonmentRate, complianceRate: String
        let rolling24h, worst24h, rolling30d, worst30d, verdict, hours: String
    }
    struct HourRow {
        let time, attempted, connected, abandoned, contactRate, abandonmentRate, complianceRate: String
        let source, status, rowClass: String
    }
    struct Section {
        let anchor: String
        let campaignID: String
        let summary: String
        let countsChart: String
        let ratesChart: String
        let rows: [HourRow]
    }

    let reportID, runID, windowText, timeZone, ruleSetText, ruleSetHash, fetched, asOfSeq, sha256: String
    let hasFailed: Bool
    let failed: [ReportView.FailedCampaign]
    let tiles: [Tile]
    let comparisonChart: String
    let comparison: [Row]
    let total: Row
    let legend: String
    let campaigns: [Section]

    init(_ view: ReportView) {
        let decimals = view.ruleSet.rateDecimals
        func percent(_ rate: Double?) -> String { ReportText.percent(rate, decimals: decimals) }
        reportID = view.header.reportID
        runID = view.header.runID
        windowText = view.windowText
        timeZone = view.header.timeZone
        ruleSetText = view.ruleSetText
        ruleSetHash = view.ruleSet.hash.hex
        asOfSeq = String(view.header.asOfSeq)
        sha256 = view.sha256?.hex ?? "not known (not a recorded report)"
        let ids = view.campaigns.map(\.series.campaignID)
        fetched =
            "\(ids.count) of \(ids.count + view.failed.count) reported"
            + (ids.isEmpty ? "" : ": " + ids.joined(separator: ", "))
        hasFailed = !view.failed.isEmpty
        failed = view.failed
        let total = view.total
        tiles = [
            Tile(
                label: "Attempts", value: ReportText.count(total.counts.attempted), note: "calls dialled", verdict: ""),
            Tile(
                label: "Connects", value: ReportText.count(total.counts.connected), note: "answered live", verdict: ""),
            Tile(
                label: "Contact rate", value: percent(total.rates.contactRate), note: "connects / attempts", verdict: ""
            ),
            Tile(
                label: "Abandonment rate", value: percent(total.rates.abandonmentRate),
                note: "\(ReportText.count(total.counts.abandoned)) abandoned / attempts", verdict: ""),
            Tile(
                label: "Compliance abandonment rate", value: percent(total.rates.complianceAbandonmentRate),
                note: "abandoned / live answers; rolling windows: \(view.verdict.text) (threshold "
                    + "\(percent(view.ruleSet.complianceThreshold)))", verdict: view.verdict.rawValue),
        ]
        comparisonChart = ComparisonChart.svg(view)
        func row(_ series: ReportView.Series, _ campaign: ReportView.Campaign?) -> Row {
            func window(_ index: Int) -> (verdict: String, worst: String) {
                guard let window = campaign?.compliance[index] else { return ("", "") }
                return (window.verdict.text, "worst \(percent(window.rate))")
            }
            return Row(
                campaignID: campaign == nil ? "All campaigns" : series.campaignID,
                attempted: ReportText.count(series.counts.attempted),
                connected: ReportText.count(series.counts.connected),
                abandoned: ReportText.count(series.counts.abandoned), contactRate: percent(series.rates.contactRate),
                abandonmentRate: percent(series.rates.abandonmentRate),
                complianceRate: percent(series.rates.complianceAbandonmentRate), rolling24h: window(0).verdict,
                worst24h: window(0).worst, rolling30d: window(1).verdict, worst30d: window(1).worst,
                verdict: campaign?.verdict.text ?? view.verdict.text,
                hours: campaign == nil
                    ? "" : "\(series.observed) / \(series.interpolated) / \(series.filled) / \(series.dropped)")
        }
        comparison = view.campaigns.map { row($0.series, $0) }
        self.total = row(total, nil)
        legend = ReportLegend.html
        campaigns = view.campaigns.enumerated().map { index, campaign in
            let series = campaign.series
            let chart = HourChart(series: series, slots: view.slots, id: "c\(index + 1)")
            let rows = series.hours.enumerated().compactMap { slot, hour -> HourRow? in
                guard let hour else { return nil }
                return HourRow(
                    time: view.hourText(slot), attempted: ReportText.count(hour.counts.attempted),
                    connected: ReportText.count(hour.counts.connected),
                    abandoned: ReportText.count(hour.counts.abandoned),
                    contactRate: percent(hour.rates.contactRate), abandonmentRate: percent(hour.rates.abandonmentRate),
                    complianceRate: percent(hour.rates.complianceAbandonmentRate), source: hour.source.rawValue,
                    status: hour.droppedBy.map { "dropped by \($0)" } ?? "kept",
                    rowClass: hour.kept ? hour.source.rawValue : "dropped")
            }
            return Section(
                anchor: "campaign-\(index + 1)", campaignID: series.campaignID, summary: view.summary(campaign),
                countsChart: chart.counts(),
                ratesChart: chart.rates(
                    threshold: view.ruleSet.complianceThreshold, decimals: decimals), rows: rows)
        }
    }
}
