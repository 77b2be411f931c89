/// The report as CSV (RFC 4180: CRLF line ends, a header row, fields quoted only when they hold a comma,
/// a quote or a line break), from the same view as the page: one row per campaign-hour, every derived hour
/// kept or dropped, campaigns in report order; then the total block, one row per hour with `campaign_id`
/// `ALL` for the hours some campaign kept (each hour's kept counts summed, rates from the sums, as the
/// chart JSON's `total`). Numbers as in the chart JSON (counts as sent, rates rounded by the rule set); an
/// empty rate has no denominator; `timestamp` is the chart's label in the report's zone.
public enum ReportCSV {
    /// The CSV's media type.
    public static let mediaType = "text/csv; charset=utf-8; header=present"

    /// The columns, in order.
    public static let columns = [
        "campaign_id", "timestamp", "calls_attempted", "calls_connected", "calls_abandoned", "contact_rate",
        "abandonment_rate", "compliance_abandonment_rate", "source", "kept", "dropped_by",
    ]

    /// The CSV of `view`, UTF-8.
    public static func csv(_ view: ReportView) -> [UInt8] {
        var out = [UInt8]()
        func row(_ fields: [String]) {
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: CSVText.field(field).utf8)
            }
            out.append(contentsOf: [0x0D, 0x0A])
        }
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "" }
            var writer = CanonicalJSONWriter()
            writer.write(finite: value)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        row(columns)
        let blocks = view.campaigns.map { (series: $0.series, keptOnly: false) } + [(view.total, true)]
        for (series, keptOnly) in blocks {
            for (slot, hour) in series.hours.enumerated() {
                guard let hour, hour.kept || !keptOnly else { continue }
                row([
                    series.campaignID, view.slots[slot].label, number(hour.counts.attempted),
                    number(hour.counts.connected), number(hour.counts.abandoned), number(hour.rates.contactRate),
                    number(hour.rates.abandonmentRate), number(hour.rates.complianceAbandonmentRate),
                    hour.source.rawValue, hour.kept ? "true" : "false", hour.droppedBy ?? "",
                ])
            }
        }
        return out
    }
}
