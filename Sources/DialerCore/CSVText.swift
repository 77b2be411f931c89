/// RFC 4180 CSV text: fields quoted, with quotes doubled, only when they hold a comma, a quote or a line
/// break; each line ends with CRLF.
public enum CSVText {
    /// `field` as one CSV field.
    public static func field(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        var text = "\""
        for character in field {
            text.append(character)
            if character == "\"" { text.append("\"") }
        }
        return text + "\""
    }

    /// `fields` as one CSV line, CRLF included.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
