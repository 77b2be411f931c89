/// The key to the page's charts, once per page: the series' colours, how observed, interpolated and
/// filled hours are drawn, the dropped-hour gaps and the threshold line; small inline SVG swatches.
enum ReportLegend {
    /// The legend as an HTML list.
    static let html: String = {
        let items: [(String, (inout SVGWriter) -> Void)] = [
            ("Attempts", { bar(&$0, fill: HourChart.attempts) }),
            ("Connects", { bar(&$0, fill: HourChart.connects) }),
            ("Observed hour (solid)", { bar(&$0, fill: "#555555") }),
            ("Interpolated hour (hatched)", { bar(&$0, fill: "url(#legend-hatch)", stroke: "#555555") }),
            ("Filled hour (outlined)", { bar(&$0, fill: "#ffffff", stroke: "#555555") }),
            ("Hour dropped by a rule (gap)", { bar(&$0, fill: "url(#legend-gap)") }),
            ("Abandonment rate", { line(&$0, stroke: HourChart.abandonment, dashed: false) }),
            ("Compliance abandonment rate", { line(&$0, stroke: HourChart.compliance, dashed: false) }),
            ("Compliance threshold", { line(&$0, stroke: HourChart.threshold, dashed: true) }),
        ]
        var svg = SVGWriter()
        // The patterns the swatches use, in a swatch of their own that shows nothing.
        svg.open("svg", [("class", "swatch-defs"), ("width", "0"), ("height", "0"), ("aria-hidden", "true")])
        svg.open("defs")
        for (id, background, colour) in [("legend-hatch", "#ffffff", "#555555"), ("legend-gap", "#f2f2f2", "#b0b0b0")] {
            svg.open(
                "pattern",
                [
                    ("id", id), ("width", "6"), ("height", "6"), ("patternUnits", "userSpaceOnUse"),
                    ("patternTransform", "rotate(45)"),
                ])
            svg.element("rect", [("width", "6"), ("height", "6"), ("fill", background)])
            svg.element(
                "line", [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "6"), ("stroke", colour), ("stroke-width", "3")])
            svg.close("pattern")
        }
        svg.close("defs")
        svg.close("svg")
        svg.open("ul", [("class", "legend")])
        for (label, draw) in items {
            svg.open("li")
            svg.open("svg", [("class", "swatch"), ("viewBox", "0 0 24 14"), ("aria-hidden", "true")])
            draw(&svg)
            svg.close("svg")
            svg.element("span", [], content: label)
            svg.close("li")
        }
        svg.close("ul")
        return svg.text
    }()

    private static func bar(_ svg: inout SVGWriter, fill: String, stroke: String? = nil) {
        svg.element(
            "rect",
            [("x", "2"), ("y", "1"), ("width", "20"), ("height", "12"), ("fill", fill)]
                + (stroke.map { [("stroke", $0), ("stroke-width", "1.5")] } ?? []))
    }

    private static func line(_ svg: inout SVGWriter, stroke: String, dashed: Bool) {
        svg.element(
            "line",
            [("x1", "1"), ("y1", "7"), ("x2", "23"), ("y2", "7"), ("stroke", stroke), ("stroke-width", "2.5")]
                + (dashed ? [("stroke-dasharray", "5 3")] : []))
    }
}
