/// The page's per-campaign comparison as inline SVG: one horizontal bar per campaign for the compliance
/// abandonment rate of its kept hours, red above the threshold, with the threshold as a dashed line.
enum ComparisonChart {
    /// The chart of `view`'s campaigns.
    static func svg(_ view: ReportView) -> String {
        let decimals = view.ruleSet.rateDecimals
        let threshold = view.ruleSet.complianceThreshold
        let rows = view.campaigns.map { ($0.series.campaignID, $0.series.rates.complianceAbandonmentRate) }
        let peak = rows.reduce(threshold * 1.25) { max($0, $1.1 ?? 0) }
        let top = HourChart.niceStep(peak / 4) * 4
        let (left, right, rowHeight, head) = (1800, 6800, 300, 200)
        let height = head + rowHeight * rows.count + 300
        func x(_ value: Double) -> Int { left + Int((min(max(value / top, 0), 1) * Double(right - left)).rounded()) }
        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                ("class", "chart comparison"), ("viewBox", "0 0 720 \(SVGWriter.tenths(height))"), ("role", "img"),
                ("aria-labelledby", "comparison-title comparison-desc"), ("data-chart", "comparison"),
                ("font-size", "13"),
            ])
        svg.element("title", [("id", "comparison-title")], content: "Compliance abandonment rate by campaign")
        svg.element(
            "desc", [("id", "comparison-desc")],
            content: "One bar per campaign: abandoned / live answers over the report's kept hours, against the "
                + "compliance threshold of \(ReportText.percent(threshold, decimals: decimals)) (dashed line).")
        for (index, row) in rows.enumerated() {
            let y = head + index * rowHeight
            let name = row.0.count > 22 ? String(row.0.prefix(21)) + "…" : row.0
            svg.element(
                "text", [("x", SVGWriter.tenths(left - 80)), ("y", SVGWriter.tenths(y + 190)), ("text-anchor", "end")],
                content: name)
            guard let rate = row.1 else {
                svg.element(
                    "text",
                    [("x", SVGWriter.tenths(left + 40)), ("y", SVGWriter.tenths(y + 190)), ("fill", "#666666")],
                    content: "no live answers")
                continue
            }
            let end = x(rate)
            svg.element(
                "rect",
                [
                    ("x", SVGWriter.tenths(left)), ("y", SVGWriter.tenths(y + 50)),
                    ("width", SVGWriter.tenths(end - left)),
                    ("height", SVGWriter.tenths(rowHeight - 100)),
                    ("fill", rate > threshold ? HourChart.threshold : HourChart.compliance),
                ])
            svg.element(
                "text",
                [
                    ("x", SVGWriter.tenths(end + 60)), ("y", SVGWriter.tenths(y + 190)), ("stroke", "#ffffff"),
                    ("stroke-width", "3"), ("paint-order", "stroke"),
                ], content: ReportText.percent(rate, decimals: decimals))
        }
        let line = x(threshold)
        let bottom = head + rowHeight * rows.count
        svg.element(
            "line",
            [
                ("x1", SVGWriter.tenths(line)), ("x2", SVGWriter.tenths(line)), ("y1", SVGWriter.tenths(head - 100)),
                ("y2", SVGWriter.tenths(bottom)), ("stroke", HourChart.threshold), ("stroke-width", "1.5"),
                ("stroke-dasharray", "6 4"),
            ])
        svg.element(
            "text",
            [
                ("x", SVGWriter.tenths(line)), ("y", SVGWriter.tenths(bottom + 200)), ("text-anchor", "middle"),
                ("fill", HourChart.threshold),
            ], content: "threshold \(ReportText.percent(threshold, decimals: decimals))")
        svg.close("svg")
        return svg.text
    }
}
