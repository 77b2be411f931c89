/// The per-campaign charts of the report page, as inline SVG: attempts and connects per hour (bars) and
/// the abandonment rates per hour (lines) against the compliance threshold. Observed hours are drawn
/// solid, interpolated ones hatched, filled ones outlined; hours a rule dropped are grey hatched gaps
/// labelled with the rule, never closed up. Coordinates are integers in tenths (`SVGWriter`).
struct HourChart {
    /// The colours of the series, and of the threshold.
    static let attempts = "#1f5fa8", connects = "#d96a00", abandonment = "#2e7d32", compliance = "#7b1fa2"
    static let threshold = "#c62828"

    /// The view box, and the plot area inside it, in tenths.
    static let width = 7200, height = 2600
    static let left = 800, right = 7080, top = 200, bottom = 2160

    let series: ReportView.Series
    let slots: [ReportView.Slot]
    /// What element ids start with: unique in the page.
    let id: String

    /// The x of slot `index`'s left edge.
    private func x(_ index: Int) -> Int {
        Self.left + index * (Self.right - Self.left) / max(slots.count, 1)
    }

    /// The y of `value` on an axis from zero to `top`.
    private static func y(_ value: Double, top: Double) -> Int {
        let share = top > 0 ? min(max(value / top, 0), 1) : 0
        return bottom - Int((share * Double(bottom - Self.top)).rounded())
    }

    /// The bar chart of attempts and connects per hour.
    func counts() -> String {
        let peak = series.hours.reduce(0.0) { peak, hour in
            guard let hour, hour.kept else { return peak }
            return max(peak, hour.counts.attempted, hour.counts.connected)
        }
        // Whole calls per tick: the axis labels show counts in whole calls.
        let step = max(1, Self.niceStep(peak / 4).rounded(.up))
        var svg = SVGWriter()
        let kept = series.observed + series.interpolated + series.filled
        open(
            &svg, kind: "counts", title: "Attempts and connects per hour, \(series.campaignID)",
            description: "Bars per hour: attempts (blue) and connects (orange) in the \(kept) kept hours: "
                + "\(series.observed) observed (solid), \(series.interpolated) interpolated (hatched), "
                + "\(series.filled) filled (outlined). \(series.dropped) hours dropped by a rule are grey gaps.")
        patterns(&svg, [("attempts", Self.attempts), ("connects", Self.connects)])
        axes(&svg, step: step) { ReportText.count($0) }
        gaps(&svg)
        svg.open("g", [("class", "bars")])
        let top = step * 4
        for (index, hour) in series.hours.enumerated() {
            guard let hour, hour.kept else { continue }
            let (start, end) = (x(index), x(index + 1))
            let pad = (end - start) / 8
            let bar = max((end - start - 2 * pad) / 2, 1)
            for (offset, value, name, colour) in [
                (0, hour.counts.attempted, "attempts", Self.attempts),
                (bar, hour.counts.connected, "connects", Self.connects),
            ] {
                let y = Self.y(value, top: top)
                svg.element(
                    "rect",
                    [
                        ("x", SVGWriter.tenths(start + pad + offset)), ("y", SVGWriter.tenths(y)),
                        ("width", SVGWriter.tenths(bar)), ("height", SVGWriter.tenths(Self.bottom - y)),
                    ] + style(hour.source, series: name, colour: colour))
            }
        }
        svg.close("g")
        svg.close("svg")
        return svg.text
    }

    /// The line chart of the abandonment rate and the compliance abandonment rate per hour, with the
    /// compliance threshold as a reference line.
    func rates(threshold: Double, decimals: Int) -> String {
        let peak = series.hours.reduce(0.0) { peak, hour in
            guard let hour, hour.kept else { return peak }
            return max(peak, hour.rates.abandonmentRate ?? 0, hour.rates.complianceAbandonmentRate ?? 0)
        }
        let step = Self.niceStep(max(peak, threshold * 1.25) / 4)
        let top = step * 4
        var svg = SVGWriter()
        open(
            &svg, kind: "rates", title: "Abandonment rates per hour, \(series.campaignID)",
            description: "Lines per hour: abandonment rate (abandoned / attempts, green) and compliance "
                + "abandonment rate (abandoned / live answers, purple), against the compliance threshold of "
                + "\(ReportText.percent(threshold, decimals: decimals)) (red dashed line). Points: observed "
                + "solid, interpolated hatched, filled outlined; dropped hours are grey gaps.")
        patterns(&svg, [("abandonment", Self.abandonment), ("compliance", Self.compliance)])
        axes(&svg, step: step) { ReportText.percent($0, decimals: decimals) }
        gaps(&svg)
        let markers = (x(1) - x(0)) >= 60
        for (name, colour, rate) in [
            ("abandonment", Self.abandonment, \HourRates.abandonmentRate),
            ("compliance", Self.compliance, \HourRates.complianceAbandonmentRate),
        ] {
            var path = ""
            var points: [(x: Int, y: Int, source: ReportView.Source)] = []
            var joined = false
            for (index, hour) in series.hours.enumerated() {
                guard let hour, hour.kept, let value = hour.rates[keyPath: rate] else {
                    joined = false
                    continue
                }
                let point = ((x(index) + x(index + 1)) / 2, Self.y(value, top: top), hour.source)
                path +=
                    (joined ? "L" : (path.isEmpty ? "M" : " M")) + SVGWriter.tenths(point.0) + " "
                    + SVGWriter.tenths(point.1)
                points.append(point)
                joined = true
            }
            svg.open("g", [("class", "line " + name)])
            if !path.isEmpty {
                svg.element(
                    "path",
                    [
                        ("d", path), ("fill", "none"), ("stroke", colour), ("stroke-width", "2"),
                        ("stroke-linejoin", "round"),
                    ])
            }
            if markers || points.count == 1 {
                for point in points {
                    svg.element(
                        "circle",
                        [("cx", SVGWriter.tenths(point.x)), ("cy", SVGWriter.tenths(point.y)), ("r", "3.5")]
                            + style(point.source, series: name, colour: colour))
                }
            }
            svg.close("g")
        }
        let line = Self.y(threshold, top: top)
        svg.element(
            "line",
            [
                ("class", "threshold"), ("x1", SVGWriter.tenths(Self.left)), ("x2", SVGWriter.tenths(Self.right)),
                ("y1", SVGWriter.tenths(line)), ("y2", SVGWriter.tenths(line)), ("stroke", Self.threshold),
                ("stroke-width", "1.5"), ("stroke-dasharray", "6 4"),
            ])
        svg.element(
            "text",
            [
                ("x", SVGWriter.tenths(Self.right - 40)), ("y", SVGWriter.tenths(line - 50)), ("text-anchor", "end"),
                ("fill", Self.threshold), ("font-size", "12"), ("stroke", "#ffffff"), ("stroke-width", "3"),
                ("paint-order", "stroke"),
            ], content: "compliance threshold \(ReportText.percent(threshold, decimals: decimals))")
        svg.close("svg")
        return svg.text
    }

    /// Opens the chart's `<svg>` with its accessible title and description.
    private func open(_ svg: inout SVGWriter, kind: String, title: String, description: String) {
        svg.open(
            "svg",
            [
                ("class", "chart"), ("viewBox", "0 0 \(Self.width / 10) \(Self.height / 10)"), ("role", "img"),
                ("aria-labelledby", "\(id)-\(kind)-title \(id)-\(kind)-desc"), ("data-chart", kind),
                ("data-campaign", series.campaignID), ("font-size", "13"),
            ])
        svg.element("title", [("id", "\(id)-\(kind)-title")], content: title)
        svg.element("desc", [("id", "\(id)-\(kind)-desc")], content: description)
    }

    /// The hatch patterns of the named series, and the gap pattern.
    private func patterns(_ svg: inout SVGWriter, _ named: [(String, String)]) {
        svg.open("defs")
        for (name, colour) in named + [("gap", "#b0b0b0")] {
            svg.open(
                "pattern",
                [
                    ("id", "\(id)-hatch-\(name)"), ("width", "6"), ("height", "6"), ("patternUnits", "userSpaceOnUse"),
                    ("patternTransform", "rotate(45)"),
                ])
            svg.element(
                "rect", [("width", "6"), ("height", "6"), ("fill", name == "gap" ? "#f2f2f2" : "#ffffff")])
            svg.element(
                "line",
                [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "6"), ("stroke", colour), ("stroke-width", "3")])
            svg.close("pattern")
        }
        svg.close("defs")
    }

    /// How a bar or point of `source` is drawn: solid, hatched or outlined.
    private func style(_ source: ReportView.Source, series name: String, colour: String) -> [(String, String)] {
        switch source {
        case .observed: [("fill", colour), ("class", "observed")]
        case .interpolated, .mixed:
            [("fill", "url(#\(id)-hatch-\(name))"), ("stroke", colour), ("stroke-width", "1"), ("class", "estimate")]
        case .filled: [("fill", "#ffffff"), ("stroke", colour), ("stroke-width", "1.5"), ("class", "estimate")]
        }
    }

    /// The value axis (five gridlines from zero, labelled by `label`) and the hour axis.
    private func axes(_ svg: inout SVGWriter, step: Double, label: (Double) -> String) {
        svg.open("g", [("class", "axes"), ("fill", "#444444")])
        for tick in 0...4 {
            let y = Self.y(step * Double(tick), top: step * 4)
            svg.element(
                "line",
                [
                    ("x1", SVGWriter.tenths(Self.left)), ("x2", SVGWriter.tenths(Self.right)),
                    ("y1", SVGWriter.tenths(y)), ("y2", SVGWriter.tenths(y)),
                    ("stroke", tick == 0 ? "#666666" : "#dddddd"), ("stroke-width", "1"),
                ])
            svg.element(
                "text",
                [("x", SVGWriter.tenths(Self.left - 60)), ("y", SVGWriter.tenths(y + 40)), ("text-anchor", "end")],
                content: label(step * Double(tick)))
        }
        let width = x(1) - x(0)
        let every =
            [1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 4320, 8760].first {
                width * $0 >= 560
            } ?? 8760
        for index in stride(from: 0, to: slots.count, by: every) {
            let label = Array(slots[index].label)
            let center = (x(index) + x(index + 1)) / 2
            let time = String(label[11..<16])
            let date = String(label[5..<10])
            svg.element(
                "text",
                [
                    ("x", SVGWriter.tenths(center)), ("y", SVGWriter.tenths(Self.bottom + 180)),
                    ("text-anchor", "middle"),
                ] + (index / every % 2 == 1 ? [("class", "minor")] : []),  // every other one: hidden when narrow
                content: every >= 24 ? date : time)
            if every < 24, index == 0 || time == "00:00" {
                svg.element(
                    "text",
                    [
                        ("x", SVGWriter.tenths(center)), ("y", SVGWriter.tenths(Self.bottom + 340)),
                        ("text-anchor", "middle"), ("font-weight", "bold"),
                    ], content: date)
            }
        }
        svg.close("g")
    }

    /// The hours a rule dropped, as grey hatched bands over the plot, one per run of hours dropped by one
    /// rule, labelled with the rule where there is room.
    private func gaps(_ svg: inout SVGWriter) {
        svg.open("g", [("class", "gaps")])
        var index = 0
        while index < series.hours.count {
            guard let rule = series.hours[index]?.droppedBy else {
                index += 1
                continue
            }
            var end = index + 1
            while end < series.hours.count, series.hours[end]?.droppedBy == rule { end += 1 }
            let (from, to) = (x(index), x(end))
            let first = Array(slots[index].label)
            let last = Array(slots[end - 1].label)
            svg.open(
                "rect",
                [
                    ("x", SVGWriter.tenths(from)), ("y", SVGWriter.tenths(Self.top)),
                    ("width", SVGWriter.tenths(to - from)),
                    ("height", SVGWriter.tenths(Self.bottom - Self.top)), ("fill", "url(#\(id)-hatch-gap)"),
                    ("class", "dropped"), ("data-dropped-by", rule),
                ])
            svg.element(
                "title", [],
                content: "dropped by \(rule): \(end - index) hour\(end - index == 1 ? "" : "s") from "
                    + "\(String(first[0..<10])) \(String(first[11..<16])) to \(String(last[0..<10])) \(String(last[11..<16]))"
            )
            svg.close("rect")
            if to - from >= 140 {
                let cx = (from + to) / 2 + 40
                let cy = Self.top + 80
                svg.element(
                    "text",
                    [
                        ("x", SVGWriter.tenths(cx)), ("y", SVGWriter.tenths(cy)), ("text-anchor", "end"),
                        ("transform", "rotate(-90 \(SVGWriter.tenths(cx)) \(SVGWriter.tenths(cy)))"),
                        ("font-size", "11"), ("fill", "#555555"),
                    ], content: "dropped: \(rule)")
            }
            index = end
        }
        svg.close("g")
    }

    /// The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `raw` (1 for nothing).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where power * factor >= raw { return power * factor }
        return power * 10
    }
}
