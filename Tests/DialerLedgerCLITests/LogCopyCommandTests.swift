import DialerCore
import DialerTesting
import Foundation
import Testing

/// `log copy` run as a user runs it: a whole log into an empty one, progress, the verified copy, refusals.
@Suite struct LogCopyCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func copiesALogWithProgressVerifiesItAndRefusesANonEmptyTarget() async throws {
        let (from, to) = (try TemporaryFolder(), try TemporaryFolder())
        defer { from.remove(); to.remove() }
        _ = try await tool.run(["sample", "--data", from.path, "--batches", "8", "--batch-size", "5", "--effects"])
        let source = try await tool.run(["events", "list", "--data", from.path])
        let count = source.lines.count
        let copy = try await tool.run(["log", "copy", "--from", from.path, "--to", to.path, "--batch-size", "20"])
        #expect(copy.status == 0, "\(copy.stderr)")
        let sound = try await tool.run(["verify", "--data", to.path])
        #expect(sound.status == 0, "\(sound.stderr)")
        let head = try #require(sound.stdout.split(separator: " head ").last?.prefix(16))
        #expect(
            copy.lines == [
                "copied \(count) events (seq 1…\(count)), head \(head), from \(from.path)/log to \(to.path)/log; the copy verifies"
            ])
        let progress = copy.stderr.split(separator: "\n").map(String.init)
        #expect(progress.first == "log copy: 0 / \(count) events")
        #expect(progress.last == "log copy: \(count) / \(count) events")
        #expect(progress.count == 1 + (count + 19) / 20)
        #expect(try await tool.run(["events", "list", "--data", to.path]).stdout == source.stdout)
        let views = try await tool.run(["views", "rebuild", "--data", to.path])
        #expect(views.lines.allSatisfy { $0.hasSuffix("equal to the kept rows") } && views.lines.count == 3)

        let again = try await tool.run(["log", "copy", "--from", from.path, "--to", to.path])
        #expect(again.status == 2)
        #expect(
            again.stderr
                == "dialer-ledger: --to: \(to.path)/log already holds a log (\(count) events); log copy writes into an empty log only\n"
        )
        let same = try await tool.run(["log", "copy", "--from", from.path, "--to", from.path])
        #expect(same.status == 2)
        #expect(same.stderr.contains("--to: the same store as --from"))
    }
}
