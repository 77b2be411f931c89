import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import EventLog

/// The LMDB log does its blocking work on threads of its own, never on Swift's cooperative pool, and
/// cancellation takes back only work not yet handed over.
@Suite struct LMDBStoreThreadsTests {
    private static let draft = EventDraft(type: "IntervalDerived", stream: "campaign:C1", payload: ["n": 1])

    /// A clock that records the thread it is called on (the append's, inside its write transaction) and
    /// can hold an append there until `release` opens.
    private final class HoldingClock: @unchecked Sendable {
        let threads = Mutex<[String]>([])
        let holding = Mutex(false)
        let release = Gate()
        let (held, heldSignal) = AsyncStream.makeStream(of: Void.self)

        func now() -> Timestamp {
            threads.withLock { $0.append(StoreThreads.currentThreadName ?? "not a store thread") }
            if holding.withLock({ $0 }) {
                heldSignal.yield()
                release.wait()
            }
            return Timestamp(milliseconds: 1_000)
        }
    }

    private func store(_ clock: HoldingClock) throws -> (LMDBEventStore, TemporaryFolder) {
        let folder = try TemporaryFolder()
        return (try LMDBEventStore(path: folder.appending("log"), clock: { clock.now() }), folder)
    }

    @Test func appendsOnTheWriterThreadAndReadsOnReaderThreads() async throws {
        let clock = HoldingClock()
        let (store, folder) = try store(clock)
        defer { folder.remove() }
        _ = try await store.append([Self.draft])
        let reader = try await store.withSnapshot { _ in StoreThreads.currentThreadName ?? "not a store thread" }
        #expect(clock.threads.withLock { $0 } == ["log-writer-1"])
        #expect(reader.hasPrefix("log-reader-"))
    }

    @Test func aReadWaitingForAThreadIsDroppedWhenItsTaskIsCancelled() async throws {
        let clock = HoldingClock()
        let (store, folder) = try store(clock)
        defer { folder.remove() }
        _ = try await store.append([Self.draft])
        // Every reader thread holds a snapshot until `release` opens; one more read has to wait.
        let release = Gate()
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let holders = (0..<LMDBEventStore.readerThreads).map { _ in
            Task {
                try await store.withSnapshot { snapshot in
                    startedSignal.yield()
                    release.wait()
                    return try snapshot.lastSequence()
                }
            }
        }
        var running = 0
        for await _ in started {
            running += 1
            if running == holders.count { break }
        }
        let ran = Mutex(false)
        let waiting = Task { try await store.withSnapshot { _ in ran.withLock { $0 = true } } }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        release.open()
        for holder in holders { #expect(try await holder.value == 1) }
        #expect(!ran.withLock { $0 })
        #expect(try await store.lastSequence() == 1)
    }

    @Test func anAppendHandedToTheWriterCompletesThoughItsTaskIsCancelled() async throws {
        let clock = HoldingClock()
        let (store, folder) = try store(clock)
        defer { folder.remove() }
        clock.holding.withLock { $0 = true }
        let first = Task { try await store.append([Self.draft]) }
        for await _ in clock.held { break }
        clock.holding.withLock { $0 = false }
        // The writer is busy with `first`: `second` is handed over and queued behind it, then cancelled.
        let second = Task { try await store.append([Self.draft, Self.draft]) }
        while store.writerQueueLength == 0 { await Task.yield() }
        second.cancel()
        clock.release.open()
        #expect(try await first.value.map(\.seq) == [1])
        #expect(try await second.value.map(\.seq) == [2, 3])
        #expect(try await store.lastSequence() == 3)
    }
}
