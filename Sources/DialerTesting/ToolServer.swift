import Foundation

/// A test server from `tools/` (a Python script that prints `ready …` once it listens), started as a child
/// process and stopped by its PID.
public final class ToolServer: Sendable {
    /// The words after `ready` on its first line.
    public let ready: [String]
    private let process: Process

    /// Starts `tools/NAME` with `arguments` and waits (on a thread of its own) for its `ready` line.
    public init(_ name: String, _ arguments: [String]) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("tools/\(name)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let reading = output.fileHandleForReading
        let line = try await onOwnThread {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = reading.availableData
                guard !chunk.isEmpty else { break }
                line.append(chunk)
            }
            return line
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard words.first == "ready" else {
            process.terminate()
            throw TestServerError(reason: "tools/\(name) did not start: \(words)")
        }
        ready = Array(words.dropFirst())
    }

    /// SIGTERM, then SIGKILL after five seconds, then `cleanup`; the caller does not wait.
    public func stop(then cleanup: @escaping @Sendable () -> Void = {}) {
        terminate(process, then: cleanup)
    }
}

/// A test server that would not start.
public struct TestServerError: Error, CustomStringConvertible {
    public let reason: String
    /// An error saying `reason`.
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
