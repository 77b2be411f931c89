import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `executable` to its end, both its output streams written to `output`, and returns its exit status.
func exitStatus(
    of executable: String, _ arguments: [String], environment: [String: String]? = nil, output: FileHandle
) async throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = output
    process.standardError = output
    return try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
}

/// The `dialer-ledger` command the benchmark drives: every run against the embedded CXone simulator.
struct CLI: Sendable {
    /// The executable.
    let path: String

    /// What a run of the command came to when it failed.
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let log: String
        var description: String {
            "dialer-ledger \(arguments.prefix(2).joined(separator: " ")) exited \(status); see \(log)"
        }
    }

    /// The environment of every run: the embedded simulator, whatever the caller's shell says.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CXONE_BASE_URL"] = ""
        return environment
    }

    /// Runs the command to its end, its output appended to `log`; throws when it exits other than 0.
    func run(_ arguments: [String], log: String) async throws {
        if !FileManager.default.fileExists(atPath: log) {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }
        try output.seekToEnd()
        output.write(Data(("$ dialer-ledger " + arguments.joined(separator: " ") + "\n").utf8))
        let status = try await exitStatus(of: path, arguments, environment: environment, output: output)
        guard status == 0 else { throw Failure(arguments: arguments, status: status, log: log) }
    }

    /// `dialer-ledger serve` on a free loopback port over the log in `folder`, with one read key.
    func serve(folder: String, readKey: String) async throws -> Server {
        let log = folder + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["serve", "--data", folder, "--host", "127.0.0.1", "--port", "0"]
        var environment = self.environment
        environment["DIALER_LEDGER_API_KEYS"] = "bench:read:\(readKey)"
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let server = Server(process: process, log: log)
        do {
            server.port = try await server.listeningPort()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// A running `serve`, stopped by its PID.
    final class Server: @unchecked Sendable {
        let process: Process
        let log: String
        var port = 0

        init(process: Process, log: String) {
            self.process = process
            self.log = log
        }

        /// The port `serve` says it listens on, once it says so (within a minute).
        func listeningPort() async throws -> Int {
            for _ in 0..<1_200 {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
                    let port = line.split(separator: " ")[2].split(separator: ":").last.flatMap({ Int($0) })
                {
                    return port
                }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw CLI.Failure(
                arguments: ["serve"], status: process.isRunning ? -1 : process.terminationStatus, log: log)
        }

        /// Sends SIGTERM to the server and waits for it to end.
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }
}
