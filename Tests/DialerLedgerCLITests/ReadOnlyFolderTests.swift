import DialerTesting
import Foundation
import Testing

/// A data folder on a read-only mount (a private mount namespace, so even root cannot write).
@Suite struct ReadOnlyFolderTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Runs the tool with `arguments` where `folder` is bind-mounted read-only.
    private func runOnReadOnly(_ folder: String, _ arguments: [String]) async throws -> CommandLineTool.Outcome {
        let script = #"mount --bind -o ro "$1" "$1" && shift && exec "$@""#
        return try await tool.run(
            executable: "/usr/bin/unshare", ["-m", "sh", "-c", script, "sh", folder, tool.executable] + arguments)
    }

    @Test func writingIsRefusedNamingThePathAndNothingIsWritten() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = try await runOnReadOnly(folder.path, ["sample", "--data", folder.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "dialer-ledger: \(folder.path)/log: cannot write here (Read-only file system)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aLogOnReadOnlyMediaCanStillBeVerified() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(try await tool.run(["sample", "--data", folder.path, "--batches", "2"]).status == 0)
        let verified = try await runOnReadOnly(folder.path, ["verify", "--data", folder.path])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("log sound: 54 events"))
        let appended = try await runOnReadOnly(folder.path, ["sample", "--data", folder.path, "--tag", "more"])
        #expect(appended.status == 2)
        #expect(appended.stderr.contains("cannot write here (Read-only file system)"))
    }
}
