import Logging

/// The log handler of every command: swift-log's standard-error lines, with control characters in the
/// message and the metadata escaped (`logEscaped`), so no value from a request or a file can split a line or
/// forge one.
struct ConsoleLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    /// A handler writing lines labelled `label` to standard error.
    init(label: String) { stream = StreamLogHandler.standardError(label: label) }

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
        var escaped = event
        escaped.error = nil
        escaped.message = "\(logEscaped(event.message.description))"
        escaped.metadata = merged.isEmpty ? nil : merged.mapValues(Self.escaped)
        stream.log(event: escaped)
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
/// an escape (`\n`, `\r`, `\t`, `\u{1B}`), and backslashes doubled, so one log entry stays one line.
func logEscaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "\\" || isLogControl($0) }) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where isLogControl(scalar): result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

private func isLogControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}
