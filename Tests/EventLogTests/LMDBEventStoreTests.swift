import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import EventLog

@Suite struct LMDBEventStoreTests {
    private static func sampleDraft(_ n: Int, payloadBytes: Int = 300, key: String? = nil) -> EventDraft {
        EventDraft(
            type: "IntervalDerived", stream: "campaign:C\(n % 4)",
            payload: ["n": .int(Int64(n)), "pad": .string(String(repeating: "x", count: payloadBytes))],
            idempotencyKey: key)
    }

    @Test func keepsEventsHeadAndKeysAcrossReopening() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.appending("log")
        do {
            let store = try LMDBEventStore(path: path)
            _ = try await store.append((1...5).map { Self.sampleDraft($0, key: "k\($0)") })
        }
        let reopened = try LMDBEventStore(path: path)
        #expect(try await reopened.lastSequence() == 5)
        let next = try await reopened.append([Self.sampleDraft(6), Self.sampleDraft(1, key: "k1")])
        #expect(next.map(\.seq) == [6, 1])
        let events = try await reopened.events()
        #expect(events[5].prevHash == events[4].hash)
        #expect(try await reopened.verify().problem == nil)
    }

    /// Small batches, and one batch whose chunks are prepared while it is stored (the map fills in the
    /// middle of it, and the transaction is redone with the chunks already prepared).
    @Test(arguments: [(batches: 20, size: 100), (batches: 1, size: 3_000)])
    func growsTheMapWhenItIsFull(batches: Int, size: Int) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try LMDBEventStore(path: folder.appending("log"), initialMapSize: 256 << 10)
        let startSize = store.mapSize
        for batch in 0..<batches {
            _ = try await store.append((0..<size).map { Self.sampleDraft(batch * size + $0, payloadBytes: 1_000) })
        }
        #expect(store.mapSize > startSize)
        #expect(try await store.lastSequence() == UInt64(batches * size))
        let verification = try await store.verify()
        #expect(verification.problem == nil)
        #expect(verification.eventCount == batches * size)
    }

    @Test func sealsALargeBatchByteForByteAsTheInMemoryTwinDoes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = { @Sendable in Timestamp(milliseconds: 1_795_575_901_123) }
        let lmdb = try LMDBEventStore(path: folder.appending("log"), clock: clock)
        let memory = InMemoryEventStore(clock: clock)
        var first = Self.sampleDraft(0, key: "first")
        first.id = UUID(uuidString: "00000000-0000-4000-8000-000000000000")
        for store in [lmdb, memory] as [any EventStore] { _ = try await store.append([first]) }
        let drafts = (1...2_500).map { n in
            var draft = Self.sampleDraft(n, payloadBytes: n % 97, key: n % 500 == 0 ? "k\(n % 1_000)" : nil)
            draft.id = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n))
            draft.correlationID = n % 3 == 0 ? nil : UUID(uuidString: "00000000-0000-4000-8000-000000000001")
            draft.causationID = n % 5 == 0 ? UUID(uuidString: "00000000-0000-4000-8000-000000000002") : nil
            return draft
        }
        #expect(try await lmdb.append(drafts) == memory.append(drafts))
        let stored = try await lmdb.events()
        #expect(stored.count == 2_498)
        #expect(stored == (try await memory.events()))
        #expect(stored.map { $0.canonicalBytes() } == (try await memory.events()).map { $0.canonicalBytes() })
        #expect(try await lmdb.verify().problem == nil)
    }

    @Test func growsTheMapWhileThreadsAppendAndReadAtOnce() async throws {
        // Four writing tasks, a reader and a map-size poller in one process, from a map far too small: a growth
        // must wait for every transaction of the process, and nothing may read the map while it is
        // remapped (`mdb_env_info` reads the meta pages inside it).
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try LMDBEventStore(path: folder.appending("log"), initialMapSize: 64 << 10)
        let writersLeft = WritersLeft()
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    defer { writersLeft.count.withLock { $0 -= 1 } }
                    for batch in 0..<25 {
                        _ = try await store.append(
                            (0..<40).map { Self.sampleDraft(worker * 10_000 + batch * 40 + $0, payloadBytes: 2_000) })
                    }
                    return []
                }
            }
            group.addTask {
                var failures: [String] = []
                while writersLeft.count.withLock({ $0 }) > 0 {
                    let count = try await store.withSnapshot { snapshot in
                        var count = 0
                        try snapshot.scanInPlace(EventQuery()) { _ in
                            count += 1
                            return true
                        }
                        return count
                    }
                    if count % 40 != 0 { failures.append("a snapshot saw \(count) events") }
                }
                return failures
            }
            group.addTask {
                while writersLeft.count.withLock({ $0 }) > 0 {
                    _ = store.mapSize
                    await Task.yield()
                }
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(failures == [])
        #expect(try await store.lastSequence() == 4_000)
        #expect(try await store.verify().problem == nil)
    }

    @Test func verifyNamesAFlippedByteInAPayload() async throws {
        let (store, folder) = try await filledStore(events: 20)
        defer { folder.remove() }
        try LogTampering(store: store).flipByte(ofEvent: 13, at: -5)
        let problem = try #require(try await store.verify().problem)
        #expect(problem.seq == 13)
        #expect(problem.reason.hasPrefix("content does not match its hash"))
    }

    @Test(arguments: [0, 1, 9, 17, 40, 60])
    func verifyNamesAFlippedByteAnywhereInTheRecord(offset: Int) async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).flipByte(ofEvent: 7, at: offset)
        #expect(try await store.verify().problem?.seq == 7)
    }

    @Test func verifyNamesAMissingSequence() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).deleteEvent(4)
        #expect(
            try await store.verify().problem == LogProblem(seq: 4, reason: "missing (the next stored event is seq 5)"))
    }

    @Test func verifyNamesAMissingLastEventThroughItsIndexEntries() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).deleteEvent(10)
        let problem = try #require(try await store.verify().problem)
        #expect(problem.seq == 10)
        #expect(problem.reason.contains("points to no stored event"))
    }

    @Test func verifyNamesAMissingIndexEntry() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).deleteStreamEntry(of: try #require(try await store.envelope(at: 6)))
        #expect(try await store.verify().problem == LogProblem(seq: 6, reason: "missing from the stream index"))
    }

    @Test func verifyNamesAStrayIndexEntry() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).addStrayTypeEntry(seq: 11)
        #expect(try await store.verify().problem?.seq == 11)
    }

    @Test func verifyNamesAStreamEntryWithAValue() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).putValueInStreamEntry(of: try #require(try await store.envelope(at: 4)), [7])
        let reason = try #require(try await store.verify().problem?.reason)
        #expect(reason.hasPrefix("the stream index's entry "))
        #expect(reason.hasSuffix(" has a 1-byte value where none belongs"))
    }

    @Test func verifyNamesAnIdempotencyEntryOfTheWrongSize() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        // The right seq in its last eight bytes, which is all the old check read.
        try LogTampering(store: store).putIdempotencyValue(key: "key-6", [1] + IndexKey.seq(6))
        let problem = try #require(try await store.verify().problem)
        #expect(problem.reason.hasSuffix("has a 9-byte value where a seq of 8 belongs"))
    }

    @Test func verifyNamesAnIdempotencyEntryPointingAtAnotherEvent() async throws {
        let (store, folder) = try await filledStore(events: 10)
        defer { folder.remove() }
        try LogTampering(store: store).putIdempotencyValue(key: "key-orphan", IndexKey.seq(5))
        #expect(
            try await store.verify().problem
                == LogProblem(seq: 5, reason: "the idempotency index's entry disagrees with the event"))
    }

    @Test(arguments: [8_192, 20_000])
    func refusesACutShortDataFileAndReadsNothing(keptBytes: Int) async throws {
        let (store, folder) = try await filledStore(events: 200)
        defer { folder.remove() }
        let dataFile = store.path + "/data.mdb"
        let whole = try Data(contentsOf: URL(fileURLWithPath: dataFile))
        try whole.prefix(keptBytes).write(to: URL(fileURLWithPath: dataFile))
        for access in [LMDBEventStore.Access.readWrite, .readOnly] {
            let error = #expect(throws: EventLogError.self) { try LMDBEventStore(path: store.path, access: access) }
            guard case .damaged(let path, let reason) = error else {
                Issue.record("not refused as damaged: \(String(describing: error))")
                continue
            }
            #expect(path == store.path)
            #expect(reason.hasPrefix("data.mdb is \(keptBytes) bytes but its newest transaction"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataFile)) == whole.prefix(keptBytes))
    }

    @Test func refusesAFolderThatIsNotALogAndWritesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.appending("log")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let junk = Data(repeating: 0x41, count: 8_192)
        try junk.write(to: URL(fileURLWithPath: path + "/data.mdb"))
        for access in [LMDBEventStore.Access.readWrite, .readOnly] {
            #expect(throws: EventLogError.notALog(path: path, reason: "data.mdb is not an LMDB file")) {
                try LMDBEventStore(path: path, access: access)
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb")) == junk)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["data.mdb"])
    }

    @Test func refusesAFolderHoldingOtherFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data("notes".utf8).write(to: URL(fileURLWithPath: folder.appending("notes.txt")))
        #expect(throws: EventLogError.notALog(path: folder.path, reason: "the folder holds other files (notes.txt)")) {
            try LMDBEventStore(path: folder.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test func refusesAnLMDBFileThatIsNotALog() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.appending("log")
        try LogTampering.makeForeignEnvironment(at: path)
        let before = try fileDigest(path + "/data.mdb")
        #expect(throws: EventLogError.notALog(path: path, reason: "an LMDB file without a DialerLedger format marker"))
        {
            try LMDBEventStore(path: path)
        }
        #expect(try fileDigest(path + "/data.mdb") == before)
    }

    @Test func refusesALogOfANewerFormatAndWritesNothing() async throws {
        let (store, folder) = try await filledStore(events: 3)
        defer { folder.remove() }
        try LogTampering(store: store).setFormatVersion(2)
        let before = try fileDigest(store.path + "/data.mdb")
        for access in [LMDBEventStore.Access.readWrite, .readOnly] {
            #expect(throws: EventLogError.newerFormat(path: store.path, found: 2, supported: 1)) {
                try LMDBEventStore(path: store.path, access: access)
            }
        }
        #expect(try fileDigest(store.path + "/data.mdb") == before)
    }

    @Test func readOnlyOpeningNeverCreatesALog() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.appending("log")
        #expect(throws: EventLogError.noLog(path: path)) { try LMDBEventStore(path: path, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesAFileWhereTheFolderShouldBe() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.appending("log")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: EventLogError.notALog(path: path, reason: "it is a file, not a folder")) {
            try LMDBEventStore(path: path)
        }
    }

    private func filledStore(events: Int) async throws -> (LMDBEventStore, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store = try LMDBEventStore(path: folder.appending("log"))
        _ = try await store.append(
            (1...events).map { Self.sampleDraft($0, payloadBytes: 40, key: $0 % 3 == 0 ? "key-\($0)" : nil) })
        #expect(try await store.verify().problem == nil)
        return (store, folder)
    }
}

/// How many writing tasks are still appending.
private final class WritersLeft: Sendable {
    let count = Mutex(4)
}
