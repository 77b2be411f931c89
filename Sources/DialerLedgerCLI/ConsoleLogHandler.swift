import CXone
import DialerCore
import Logging

/// The log handler of every command, one line per entry on standard error: swift-log's text lines, or one JSON
/// object per line (`LogFormat`). Control characters in the message and the metadata are escaped in both
/// (`logEscaped`, or JSON's escapes), so no value from a request or a file can split a line or forge one.
struct ConsoleLogHandler: LogHandler {
    private var stream: StreamLogHandler
    /// The logger's label.
    let label: String
    private let format: LogFormat
    private let now: @Sendable () -> Timestamp
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    /// A handler writing entries labelled `label` to standard error in `format`, stamped with `now` (JSON).
    init(
        label: String, format: LogFormat = .text,
        now: @escaping @Sendable () -> Timestamp = { SystemCXoneClock().now() }
    ) {
        stream = StreamLogHandler.standardError(label: label)
        self.label = label
        self.format = format
        self.now = now
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        switch format {
        case .json:
            printError(jsonLine(event, metadata: merged, at: now()))
        case .text:
            var escaped = event
            escaped.error = nil
            escaped.message = "\(logEscaped(event.message.description))"
            escaped.metadata = merged.isEmpty ? nil : merged.mapValues(Self.escaped)
            stream.log(event: escaped)
        }
    }

    private static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(logEscaped(text))
        case .stringConvertible(let item): .string(logEscaped(item.description))
        case .array(let items): .array(items.map(escaped))
        case .dictionary(let entries): .dictionary(entries.mapValues(escaped))
        }
    }
}

/// `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph separators) written as
/// an escape (`\n`, `\r`, `\t`, `\u{1B}`), and backslashes doubled, so one log entry stays one line; with
/// `json`, for the inside of a JSON string: quotes escaped too, other control characters as `\u001b`.
func logEscaped(_ text: String, json: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "\\" || (json && $0 == "\"") || isLogControl($0) }) else {
        return text
    }
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": result += "\\\\"
        case "\"" where json: result += "\\\""
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where isLogControl(scalar):
            let hex = String(scalar.value, radix: 16, uppercase: !json)
            result += json ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex : "\\u{" + hex + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Whether `scalar` could split or disguise a log line: C0, DEL, C1, or a Unicode line or paragraph separator.
func isLogControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}
