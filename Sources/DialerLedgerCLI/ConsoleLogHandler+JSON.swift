import DialerCore
import Logging

/// How log entries are written: swift-log's text lines, or one JSON object per line.
enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

extension ConsoleLogHandler {
    /// One entry as one line of JSON: `time` (RFC 3339, UTC, milliseconds), `level`, `label`, `message`,
    /// `metadata` (nested values kept as JSON arrays and objects), `source`, `file` and `line`. Every control
    /// character, and the Unicode line and paragraph separators, is written as a `\uXXXX` escape (or `\n`, `\r`,
    /// `\t`), so the line holds no line break however the values read.
    func jsonLine(_ event: LogEvent, metadata: Logger.Metadata, at time: Timestamp) -> String {
        var line = "{\"time\":\"\(time.rfc3339)\",\"level\":\"\(event.level.rawValue)\",\"label\":"
        appendJSON(string: label, to: &line)
        line += ",\"message\":"
        appendJSON(string: event.message.description, to: &line)
        line += ",\"metadata\":"
        appendJSON(.dictionary(metadata), to: &line)
        line += ",\"source\":"
        appendJSON(string: event.source, to: &line)
        line += ",\"file\":"
        appendJSON(string: event.file, to: &line)
        line += ",\"line\":\(event.line)}"
        return line
    }
}

/// Appends `value` as JSON: strings (a `stringConvertible` as its description), arrays and objects (keys sorted).
private func appendJSON(_ value: Logger.MetadataValue, to line: inout String) {
    switch value {
    case .string(let text): appendJSON(string: text, to: &line)
    case .stringConvertible(let item): appendJSON(string: item.description, to: &line)
    case .array(let items):
        line += "["
        for (index, item) in items.enumerated() {
            if index > 0 { line += "," }
            appendJSON(item, to: &line)
        }
        line += "]"
    case .dictionary(let entries):
        line += "{"
        for (index, (key, item)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { line += "," }
            appendJSON(string: key, to: &line)
            line += ":"
            appendJSON(item, to: &line)
        }
        line += "}"
    }
}

/// Appends `text` as a JSON string, escaping quotes, backslashes and every log control character.
private func appendJSON(string text: String, to line: inout String) {
    line += "\"" + logEscaped(text, json: true) + "\""
}
