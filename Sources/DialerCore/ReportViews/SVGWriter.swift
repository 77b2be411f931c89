/// A small SVG writer: elements with their attributes in the order given, text escaped, coordinates in
/// tenths of a user unit written as fixed decimals (`123.4`, `12`), so the same chart is the same bytes
/// on any machine. Writes no `xmlns` (inline SVG in HTML needs none) and no reference to anything outside.
struct SVGWriter {
    private(set) var text = ""

    /// Opens `name` with `attributes`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name + Self.attributes(attributes) + ">"
    }

    /// Closes `name`.
    mutating func close(_ name: String) { text += "</" + name + ">" }

    /// An element with no children, or with `content` (escaped) as its text.
    mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
        guard let content else { return text += "<" + name + Self.attributes(attributes) + "/>" }
        text += "<" + name + Self.attributes(attributes) + ">" + Self.escape(content) + "</" + name + ">"
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + escape($0.1) + "\"" }.joined()
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe as element text and as a quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate given in tenths: `1234` → `123.4`, `120` → `12`.
    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        return magnitude % 10 == 0
            ? sign + String(magnitude / 10) : sign + String(magnitude / 10) + "." + String(magnitude % 10)
    }
}
