/// Numbers as a report shows them to a person, the same in every locale and process: counts with
/// thousands separated by commas (`1,234`; a fractional estimate to two decimals, `25.5`), rates as
/// percentages (`2.21 %`), a missing rate as an en dash. Written from integers, never through a formatter
/// that reads the environment.
public enum ReportText {
    /// A count: whole numbers grouped (`12,345`), others rounded to two decimals without trailing zeros.
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == value.rounded(.towardZero), abs(value) < 1e15 { return grouped(Int64(value)) }
        let hundredths = (value * 100).rounded(.toNearestOrAwayFromZero)
        guard abs(hundredths) < 1e17 else { return value.description }
        let scaled = Int64(hundredths)
        var fraction = String(scaled.magnitude % 100)
        if fraction.count < 2 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let whole = grouped(Int64(scaled.magnitude / 100))
        let sign = scaled < 0 ? "-" : ""
        return fraction.isEmpty ? sign + whole : sign + whole + "." + fraction
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
