import Logging
import Synchronization

/// Log entries kept in memory, so a test reads what reached a log (and what must not have): hand a component
/// `logger`, then read `lines` or `find(_:)`.
public final class LogCapture: Sendable {
    private let entries = Mutex<[Entry]>([])

    /// One log entry: its level, message and metadata (each value as its description).
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    /// An empty capture.
    public init() {}

    /// A logger writing here, at every level.
    public var logger: Logger {
        var logger = Logger(label: "test") { [self] _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every entry as one line: level, message, metadata.
    public var lines: [String] {
        entries.withLock { $0.map { "\($0.level) \($0.message) \($0.metadata.sorted { $0.key < $1.key })" } }
    }

    /// The metadata of the first entry whose message is `message`.
    public func find(_ message: String) -> [String: String]? {
        entries.withLock { $0.first { $0.message == message }?.metadata }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
            let entry = Entry(level: event.level, message: event.message.description, metadata: merged)
            capture.entries.withLock { $0.append(entry) }
        }
    }
}
