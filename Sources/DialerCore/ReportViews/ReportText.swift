/// Numbers as a report shows them to a person, the same in every locale and process: counts in whole calls
/// with thousands separated by commas (`1,234`; an interpolated estimate of 25.5 calls shows as `26`, while
/// the CSV and the chart JSON keep the exact value), rates as percentages (`2.21 %`), a missing rate as an
/// en dash. Written from integers, never through a formatter that reads the environment.
public enum ReportText {
    /// A count in whole calls, rounded half away from zero and grouped (`12,345`).
    public static func count(_ value: Double) -> String {
        let rounded = value.rounded(.toNearestOrAwayFromZero)
        guard rounded.isFinite, abs(rounded) < 1e15 else { return "–" }
        return grouped(Int64(rounded))
    }

    /// A rate (a fraction, rounded to `decimals`) as a percentage with `decimals - 2` decimals
    /// (`0.0221` → `2.21 %`); nil as `–`.
    public static func percent(_ rate: Double?, decimals: Int) -> String {
        guard let rate, rate.isFinite else { return "–" }
        let places = max(decimals - 2, 0)
        let power = (0..<places).reduce(Int64(1)) { value, _ in value * 10 }
        let scaled = (rate * 100 * Double(power)).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 1e15 else { return "–" }
        let value = Int64(scaled)
        let sign = value < 0 ? "-" : ""
        let whole = grouped(Int64(value.magnitude / UInt64(power)))
        guard places > 0 else { return sign + whole + " %" }
        var fraction = String(value.magnitude % UInt64(power))
        while fraction.count < places { fraction = "0" + fraction }
        return sign + whole + "." + fraction + " %"
    }

    /// A whole number with its thousands separated by commas.
    public static func grouped(_ value: Int64) -> String {
        let digits = Array(String(value.magnitude))
        var text = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
