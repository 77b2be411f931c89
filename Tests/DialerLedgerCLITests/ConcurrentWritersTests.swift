import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// Processes writing one log at once, and processes killed mid-write.
@Suite(.serialized) struct ConcurrentWritersTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Groups the log's events by batch (correlation id) and checks every batch is whole and contiguous.
    private func wholeBatches(in store: LMDBEventStore, batchSize: Int) async throws -> [String: Set<Int>] {
        var batchesByTag: [String: Set<Int>] = [:]
        var current: (id: UUID?, first: UInt64, count: Int) = (nil, 0, 0)
        func close() {
            if current.id != nil { #expect(current.count == batchSize, "batch at seq \(current.first) is partial") }
        }
        for event in try await store.events() {
            let parts = try #require(event.idempotencyKey).split(separator: ":")
            let (tag, batch, position) = (String(parts[1]), Int(parts[2])!, Int(parts[3])!)
            if event.correlationID != current.id {
                close()
                current = (event.correlationID, event.seq, 0)
                #expect(position == 0, "batch starting at seq \(event.seq) does not start at position 0")
                let inserted = batchesByTag[tag, default: []].insert(batch).inserted
                #expect(inserted, "batch \(batch) of \(tag) appears twice")
            }
            #expect(position == current.count, "seq \(event.seq) is out of place in its batch")
            current.count += 1
        }
        close()
        return batchesByTag
    }

    @Test func twoProcessesAppendingAtOnceLoseNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Create the log first so both writers race on appends, not on creation.
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "0"])
        let writers = try ["left", "right"].map {
            try tool.start(["sample", "--data", folder.path, "--tag", $0, "--batches", "150", "--batch-size", "20"])
        }
        for writer in writers {
            try await waitForExit(writer)
            #expect(writer.terminationStatus == 0)
        }
        let store = try LMDBEventStore(path: folder.appending("log"), access: .readOnly)
        #expect(try await store.verify().problem == nil)
        #expect(try await store.lastSequence() == 6_000)
        let batches = try await wholeBatches(in: store, batchSize: 20)
        #expect(batches["left"] == Set(0..<150))
        #expect(batches["right"] == Set(0..<150))
        // Proof the two really ran at once: their batches interleave.
        let owners = try await store.events(EventQuery(type: "ReportRunStarted")).map {
            $0.idempotencyKey!.split(separator: ":")[1]
        }
        let switches = zip(owners, owners.dropFirst()).filter { $0 != $1 }.count
        #expect(switches > 1)
    }

    @Test func killedWritersLeaveAWholePrefixOfBatches() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let logPath = folder.appending("log")
        var generator = SystemRandomNumberGenerator()
        var previousCount: UInt64 = 0
        for round in 0..<12 {
            let writer = try tool.start([
                "sample", "--data", folder.path, "--tag", "crash", "--batches", "1000000", "--batch-size", "50",
            ])
            // Kill only once this writer has appended something new (so it is mid-stream, past the
            // batches earlier rounds wrote), at a random moment a little later.
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if FileManager.default.fileExists(atPath: logPath + "/data.mdb"),
                    let count = try? await LMDBEventStore(path: logPath, access: .readOnly).lastSequence(),
                    count > previousCount
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...40_000, using: &generator)))
            kill(writer.processIdentifier, SIGKILL)
            try await waitForExit(writer)
            #expect(writer.terminationReason == .uncaughtSignal, "round \(round): the writer finished before the kill")

            let store = try LMDBEventStore(path: logPath, access: .readOnly)
            let verification = try await store.verify()
            #expect(verification.problem == nil, "round \(round): \(String(describing: verification.problem))")
            let count = try await store.lastSequence()
            #expect(count > previousCount, "round \(round): the writer made no progress before the kill")
            #expect(count % 50 == 0, "round \(round): \(count) events is not a whole number of batches")
            let batches = try await wholeBatches(in: store, batchSize: 50)
            #expect(batches["crash", default: []] == Set(0..<Int(count / 50)), "round \(round): not a prefix")
            previousCount = count
        }
    }

    /// Each writer starts after `lock.mdb` was deleted, so it makes a new one while earlier writers still
    /// use the old: LMDB's writer mutex no longer excludes them, the folder's write lock must.
    @Test func writersSurviveLockFileRemoval() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let logPath = folder.appending("log")
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "0"])
        let tags = (0..<5).map { "w\($0)" }
        var writers: [Process] = []
        for tag in tags {
            try FileManager.default.removeItem(atPath: logPath + "/lock.mdb")
            writers.append(
                try tool.start([
                    "sample", "--data", folder.path, "--tag", tag, "--batches", "120", "--batch-size", "10",
                ]))
            // Go on once this writer has committed, so every writer overlaps the ones after it. This pacing
            // read is not protected from the earlier writers (they keep their readers in the deleted lock
            // files, so they may reuse pages it reads): a failed read only means "look again".
            let firstKey = "sample:\(tag):0:0"
            let committed = {
                (try? await LMDBEventStore(path: logPath, access: .readOnly).withSnapshot {
                    try $0.sequence(forIdempotencyKey: firstKey) != nil
                }) ?? false
            }
            while await !committed() && writers.last!.isRunning { try await Task.sleep(for: .milliseconds(2)) }
        }
        for (tag, writer) in zip(tags, writers) {
            try await waitForExit(writer)
            #expect(writer.terminationReason == .exit && writer.terminationStatus == 0, "\(tag) failed")
        }
        let store = try LMDBEventStore(path: logPath, access: .readOnly)
        let verification = try await store.verify()
        #expect(verification.problem == nil, "\(String(describing: verification.problem))")
        #expect(try await store.lastSequence() == 6_000)
        let batches = try await wholeBatches(in: store, batchSize: 10)
        for tag in tags { #expect(batches[tag] == Set(0..<120), "\(tag) lost batches") }
    }
}
