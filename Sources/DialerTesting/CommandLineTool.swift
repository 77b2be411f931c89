import Foundation

/// Runs the built `dialer-ledger` executable as a child process, as a user would.
public struct CommandLineTool: Sendable {
    /// The executable's path.
    public let executable: String

    /// Finds `name` beside the running test binary (SwiftPM puts products there), or at
    /// `$DIALER_LEDGER_BIN`.
    public init(_ name: String = "dialer-ledger") throws {
        if let override = ProcessInfo.processInfo.environment["DIALER_LEDGER_BIN"] {
            executable = override
            return
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) {
                executable = candidate
                return
            }
            folder = folder.deletingLastPathComponent()
        }
        throw ToolNotFound(name: name, searchedFrom: CommandLine.arguments[0])
    }

    /// What a finished run printed and returned.
    public struct Outcome: Sendable {
        public let status: Int32
        /// Whether a signal ended it (then `status` is the signal's number).
        public let signalled: Bool
        public let stdout: String
        public let stderr: String
        /// From starting the process to seeing it end, timed on the thread that waits for it (so a test task
        /// resumed late on a busy machine does not add its own wait).
        public let ranFor: Duration
        /// Standard output split into non-empty lines.
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs the tool with `arguments` (and `environment` over the test's) to completion, on a thread of its own.
    public func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        try await run(executable: executable, arguments, environment: environment)
    }

    /// Runs any executable with `arguments` to completion, on a thread of its own, capturing its output.
    public func run(executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> Outcome
    {
        try await onOwnThread { try Self.runBlocking(executable, arguments, environment) }
    }

    /// Runs any executable with `arguments` to completion, on a thread of its own, capturing its output.
    public static func runAny(_ executable: String, _ arguments: [String]) async throws -> Outcome {
        try await onOwnThread { try runBlocking(executable, arguments, [:]) }
    }

    /// Runs `executable` with `arguments` to completion, capturing its output; blocks the calling thread.
    private static func runBlocking(_ executable: String, _ arguments: [String], _ environment: [String: String])
        throws -> Outcome
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        // Output goes to files, not pipes, so a chatty child can never block on a full pipe.
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        let started = ContinuousClock.now
        try process.run()
        // Polled: Foundation's waitUntilExit spins a core when called off the main thread.
        while process.isRunning { usleep(5_000) }
        let ranFor = ContinuousClock.now - started
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: try String(contentsOf: outFile, encoding: .utf8),
            stderr: try String(contentsOf: errFile, encoding: .utf8), ranFor: ranFor)
    }

    /// Starts the tool with `arguments` (and `environment` over the test's) and returns the running process;
    /// standard output and error go to the files `standardOutput` and `standardError` when given, else nowhere.
    public func start(
        _ arguments: [String], environment: [String: String] = [:], standardOutput: String? = nil,
        standardError: String? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        if let standardOutput {
            _ = FileManager.default.createFile(atPath: standardOutput, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: standardOutput))
        }
        if let standardError {
            _ = FileManager.default.createFile(atPath: standardError, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: standardError))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }
}

/// The executable under test was not built where expected.
public struct ToolNotFound: Error, CustomStringConvertible {
    public let name: String
    public let searchedFrom: String
    public var description: String { "\(name) not found near \(searchedFrom); build it or set DIALER_LEDGER_BIN" }
}
