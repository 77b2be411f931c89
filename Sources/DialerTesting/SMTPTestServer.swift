import Foundation

/// aiosmtpd (`tools/smtp-test-server`) on loopback, started and stopped by PID.
public final class SMTPTestServer: Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// The PEM file of its throwaway certificate, to trust.
    public let certificate: String
    /// Where it keeps what it received.
    public let folder: String
    private let process: Process

    /// The user and password it accepts for AUTH.
    public static let user = "reports"
    public static let password = "mail-secret-7Qx"

    /// Starts the server (STARTTLS offered unless `tls` is false) and waits until it is ready.
    public init(tls: Bool = true) throws {
        let scratch = try TemporaryFolder("smtp")
        folder = scratch.path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", root.appendingPathComponent("tools/smtp-test-server").path, "--dir", folder]
            + (tls ? [] : ["--no-tls"])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard words.count == 3, words[0] == "ready", let port = Int(words[1]) else {
            process.terminate()
            throw TestServerError(reason: "tools/smtp-test-server did not start: \(words)")
        }
        self.port = port
        certificate = words[2]
    }

    /// The messages received, as files' contents.
    public func received() throws -> [String] {
        let new = folder + "/maildir/new"
        return try FileManager.default.contentsOfDirectory(atPath: new).sorted().map {
            try String(contentsOfFile: new + "/" + $0, encoding: .utf8)
        }
    }

    /// SIGTERM, then SIGKILL after five seconds; polls rather than `waitUntilExit`, which spins off the main thread.
    public func stop() {
        process.terminate()
        for _ in 0..<100 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A test server that would not start.
public struct TestServerError: Error, CustomStringConvertible {
    public let reason: String
    /// An error saying `reason`.
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
