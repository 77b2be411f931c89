import DialerCore
import DialerTesting
import EventLog
import Foundation
import PostgresLog
import Synchronization
import Testing

/// `log copy` between stores: the sealed events as they are, the target's views kept, the copy verified.
@Suite struct LogCopyTests {
    /// An LMDB log in `folder` with batches of the view mix, keyed events among them, recorded over time.
    private static func sourceLog(_ folder: TemporaryFolder) async throws -> LMDBEventStore {
        let clock = ManualClock()
        let store = try LMDBEventStore(path: folder.appending("log"), clock: clock.closure)
        var mix = ViewEventMix(seed: 21)
        for round in 0..<40 {
            var batch = mix.batch()
            batch.append(
                EventDraft(
                    type: "Noted", stream: "run:copy", payload: ["round": .int(Int64(round))],
                    idempotencyKey: "copy-\(round)"))
            _ = try await store.append(batch)
            clock.advance(milliseconds: round % 3 == 0 ? 0 : 1_500)
        }
        return store
    }

    @Test func copiesAnLMDBLogIntoAnEmptyOneAndRefusesANonEmptyTarget() async throws {
        let (from, to) = (try TemporaryFolder(), try TemporaryFolder())
        defer { from.remove(); to.remove() }
        let source = try await Self.sourceLog(from)
        let target = try LMDBEventStore(path: to.appending("log"))
        let heard = Mutex<[UInt64]>([])
        let verification = try await LogCopy.run(from: source, to: target, batchSize: 50) { copied, _ in
            heard.withLock { $0.append(copied) }
        }
        let events = try await source.events()
        #expect(try await target.events() == events)
        #expect(verification.problem == nil)
        #expect(verification.eventCount == UInt64(events.count))
        #expect(verification.head == events.last?.hash)
        #expect(heard.withLock { $0 }.first == 0)
        #expect(heard.withLock { $0 }.last == UInt64(events.count))
        #expect(heard.withLock { $0 }.count == 1 + (events.count + 49) / 50)
        let refused = await #expect(throws: DialerCoreError.self) { try await LogCopy.run(from: source, to: target) }
        #expect(refused?.description.contains("already holds a log (\(events.count) events)") == true)
        #expect(try await target.events() == events, "nothing added")
    }

    @Test func importRefusesEventsThatDoNotContinueTheChainAndWritesNothing() async throws {
        let (from, to) = (try TemporaryFolder(), try TemporaryFolder())
        defer { from.remove(); to.remove() }
        let events = try await Self.sourceLog(from).events()
        let target = try LMDBEventStore(path: to.appending("log"))
        await #expect(throws: DialerCoreError.corrupt(seq: 1, reason: "missing (the next stored event is seq 2)")) {
            try await target.importSealed(Array(events[1...5]))
        }
        var altered = events[2]
        altered.stream = "campaign:X"
        await #expect(throws: DialerCoreError.self) { try await target.importSealed(Array(events[0...1]) + [altered]) }
        #expect(try await target.lastSequence() == 0)
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func copiesLMDBToPostgreSQLAndBackWithIdenticalEnvelopes() async throws {
        let (from, back) = (try TemporaryFolder(), try TemporaryFolder())
        defer { from.remove(); back.remove() }
        let source = try await Self.sourceLog(from)
        let events = try await source.events()
        try await PostgresTestServer.withDatabase { url in
            let postgres = PostgresEventStore(url: url, logger: PostgresTestServer.logger)
            try await PostgresTestServer.withRunning(postgres) {
                let there = try await LogCopy.run(from: source, to: postgres, batchSize: 64)
                #expect(there.problem == nil)
                #expect(try await postgres.events() == events)
                let returned = try LMDBEventStore(path: back.appending("log"))
                let home = try await LogCopy.run(from: postgres, to: returned, batchSize: 100)
                #expect(home.problem == nil)
                #expect(try await returned.events() == events)
                #expect(try await returned.verify().problem == nil)
                #expect(try await postgres.verify() == home)
                #expect(try await postgres.withSnapshot { try viewDifference($0) } == nil)
            }
        }
    }
}
