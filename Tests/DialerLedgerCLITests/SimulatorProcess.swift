import DialerTesting
import Foundation
import Testing

/// `dialer-ledger simulate` in a process of its own on a free loopback port, and the `CXONE_*` environment that
/// points a command at it.
struct SimulatorProcess {
    let process: Process
    /// `CXONE_BASE_URL`.
    let baseURL: String
    /// `CXONE_BASE_URL`, `CXONE_CLIENT_ID` and `CXONE_CLIENT_SECRET` for it.
    let environment: [String: String]

    /// The client secret it accepts.
    static let secret = "sim-secret-1"

    /// Starts `simulate --port 0 --client-secret SECRET` with `arguments` (faults, delays), its output in `folder`,
    /// and waits until it prints where it listens.
    init(tool: CommandLineTool, folder: TemporaryFolder, arguments: [String] = []) async throws {
        let secret = Self.secret
        let output = folder.appending("simulator.out")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: tool.executable)
        process.arguments = ["simulate", "--port", "0", "--client-secret", secret] + arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        func printed(_ name: String) throws -> String? {
            try String(contentsOfFile: output, encoding: .utf8).split(whereSeparator: { $0 == " " || $0 == "\n" })
                .first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        var baseURL: String?
        for _ in 0..<200 where baseURL == nil {
            try await Task.sleep(for: .milliseconds(50))
            baseURL = try printed("CXONE_BASE_URL")
        }
        self.baseURL = try #require(baseURL)
        environment = [
            "CXONE_BASE_URL": self.baseURL, "CXONE_CLIENT_ID": try #require(try printed("CXONE_CLIENT_ID")),
            "CXONE_CLIENT_SECRET": secret,
        ]
    }

    /// Kills the simulator if a test left it running.
    func killIfRunning() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
