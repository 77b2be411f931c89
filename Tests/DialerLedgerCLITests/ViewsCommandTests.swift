import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// The views across processes: writers appending at once, a writer killed mid-append, `views rebuild`.
@Suite(.serialized) struct ViewsCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Each view as served equals a fresh fold of the log, and `verify` (which checks the same) is sound.
    private func expectViewsEqualAFreshFold(_ logPath: String, _ comment: Comment) async throws {
        let store = try LMDBEventStore(path: logPath, access: .readOnly)
        let verification = try await store.verify()
        #expect(verification.problem == nil, comment)
        try await store.withSnapshot { snapshot in
            let head = try snapshot.lastSequence()
            for projector in ViewCatalog.all {
                let checkpoint = try snapshot.storedView(projector.name)?.checkpoint
                #expect(checkpoint == head, comment)
                let fresh = OverlayRows()
                try snapshot.fold(projector, after: 0, through: head, into: fresh)
                #expect(try snapshot.servedRows(projector).firstDifference(from: fresh) == nil, comment)
            }
        }
    }

    @Test func twoProcessesAppendingEffectsAtOnceLeaveViewsEqualToAFreshFold() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "0"])
        let writers = try ["left", "right"].map {
            try tool.start([
                "sample", "--data", folder.path, "--tag", $0, "--batches", "120", "--batch-size", "5", "--effects",
            ])
        }
        for writer in writers {
            try await waitForExit(writer)
            #expect(writer.terminationStatus == 0)
        }
        try await expectViewsEqualAFreshFold(folder.appending("log"), "two writers")
        let store = try LMDBEventStore(path: folder.appending("log"), access: .readOnly)
        let (owners, rows, campaigns) = try await store.withSnapshot { snapshot in
            let owners = try AuditTrail.read(snapshot).map { $0.subject.contains("-left-") }
            let rows = try AuditTrail.read(snapshot).count
            return (owners, rows, try CompletionProjection.read(snapshot, throughSeq: .max).campaigns.count)
        }
        #expect(zip(owners, owners.dropFirst()).filter { $0 != $1 }.count > 1, "the writers interleaved")
        #expect(rows == 2 * 120)
        #expect(campaigns == 3)
    }

    @Test func writersKilledMidAppendLeaveViewsEqualToAFreshFold() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let logPath = folder.appending("log")
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "0"])
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let before = try await LMDBEventStore(path: logPath, access: .readOnly).lastSequence()
            let writer = try tool.start([
                "sample", "--data", folder.path, "--tag", "kill\(round)", "--batches", "1000000", "--batch-size", "5",
                "--effects",
            ])
            while try await LMDBEventStore(path: logPath, access: .readOnly).lastSequence() == before {
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...20_000, using: &generator)))
            kill(writer.processIdentifier, SIGKILL)
            try await waitForExit(writer)
            #expect(writer.terminationReason == .uncaughtSignal, "round \(round)")
            try await expectViewsEqualAFreshFold(logPath, "round \(round)")
        }
    }

    @Test func viewsRebuildRefoldsEachViewWithProgressAndProvesItEqual() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "30", "--batch-size", "5", "--effects"])
        let head = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).lastSequence()
        let outcome = try await tool.run(["views", "rebuild", "--data", folder.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.lines
                == ["audit", "completion", "reports"].map {
                    "\($0): rebuilt through seq \(head); equal to the kept rows"
                })
        let progress = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(
            progress.contains(
                "views rebuild: audit \(ReportText.grouped(Int64(head))) / \(ReportText.grouped(Int64(head))) events"))
        let one = try await tool.run(["views", "rebuild", "--data", folder.path, "--view", "completion"])
        #expect(one.lines == ["completion: rebuilt through seq \(head); equal to the kept rows"])
        let unknown = try await tool.run(["views", "rebuild", "--data", folder.path, "--view", "nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("--view: nope is not a view (audit, completion, reports)"))
        try await expectViewsEqualAFreshFold(folder.appending("log"), "after rebuild")
    }
}
