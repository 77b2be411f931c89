import DialerTesting
import Foundation
import Testing

/// `dialer-ledger simulate` as a user runs it: prints where it listens, stops cleanly on SIGTERM.
@Suite struct SimulateCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func printsItsAddressAndStopsOnSIGTERM() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let output = URL(fileURLWithPath: folder.path + "/out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.executable)
        process.arguments = ["simulate", "--port", "0", "--seed", "3"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var printed = ""
        for _ in 0..<200 where !printed.contains("CXONE_BASE_URL=") {
            try await Task.sleep(for: .milliseconds(50))
            printed = try String(contentsOf: output, encoding: .utf8)
        }
        #expect(printed.contains("CXone simulator listening on http://127.0.0.1:"))
        #expect(printed.contains("(seed 3)"))
        kill(process.processIdentifier, SIGTERM)
        try await waitForExit(process)
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOf: output, encoding: .utf8).hasSuffix("CXone simulator stopped\n"))
    }

    @Test func unusableFaultRatesAreRefusedByName() async throws {
        let outcome = try await tool.run(["simulate", "--rate-429", "0.8", "--rate-500", "0.5"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("simulator faults: the shares add up to 1.3, more than 1"))
        let secret = try await tool.run(["simulate", "--client-secret", ""])
        #expect(secret.stderr.contains("simulator clientSecret: must not be empty"))
    }
}
