import DialerCore
import DialerTesting
import EventLog
import Foundation
import PostgresLog
import Testing

/// The contract every `EventStore` meets: the LMDB log, the in-memory twin and the PostgreSQL log run the
/// same checks (PostgreSQL when `DIALER_LEDGER_TEST_POSTGRES` names a server, as `tools/test` always does).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, lmdb, postgres
    var testDescription: String { rawValue }

    static var allCases: [StoreKind] {
        PostgresTestServer.url == nil ? [.memory, .lmdb] : [.memory, .lmdb, .postgres]
    }

    /// Runs `body` with a fresh store on `clock` (PostgreSQL's in a database of its own, running), then
    /// removes it.
    func withStore(clock: ManualClock, _ body: (any EventStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryEventStore(clock: clock.closure))
        case .lmdb:
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await body(try LMDBEventStore(path: folder.appending("log"), clock: clock.closure))
        case .postgres:
            try await PostgresTestServer.withDatabase { url in
                let store = PostgresEventStore(url: url, clock: clock.closure, logger: PostgresTestServer.logger)
                try await PostgresTestServer.withRunning(store) { try await body(store) }
            }
        }
    }
}

private func draft(_ n: Int, stream: String = "campaign:C1", type: String = "IntervalDerived", key: String? = nil)
    -> EventDraft
{
    EventDraft(type: type, stream: stream, payload: ["n": .int(Int64(n))], idempotencyKey: key)
}

@Suite struct EventStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func appendsAGapFreeHashChain(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            #expect(try await store.lastSequence() == 0)
            let first = try await store.append((1...3).map { draft($0) })
            let second = try await store.append([draft(4)])
            #expect((first + second).map(\.seq) == [1, 2, 3, 4])
            let events = try await store.events()
            #expect(events.map(\.seq) == [1, 2, 3, 4])
            #expect(events[0].prevHash == .zero)
            for (previous, next) in zip(events, events.dropFirst()) { #expect(next.prevHash == previous.hash) }
            for event in events { #expect(event.hash == event.computedHash()) }
            #expect(try await store.envelope(at: 4)?.payload.decoded() == ["n": 4])
            #expect(try await store.envelope(at: 5) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rejectsABatchWithOneBadDraftWhole(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append([draft(1)])
            await #expect(throws: DialerCoreError.invalidField(field: "events[1].stream", reason: "must not be empty"))
            {
                try await store.append([draft(2), draft(3, stream: "")])
            }
            #expect(try await store.lastSequence() == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func appendsAnIdempotencyKeyOnce(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            let first = try await store.append([draft(1, key: "upload:r1"), draft(2)])
            #expect(first.map(\.seq) == [1, 2])
            let again = try await store.append([
                draft(3), draft(1, key: "upload:r1"), draft(4, key: "mail:r1"), draft(5, key: "mail:r1"),
            ])
            #expect(
                again == [
                    .appended(AppendedEvent(try #require(try await store.envelope(at: 3)))), .existing(seq: 1),
                    .appended(AppendedEvent(try #require(try await store.envelope(at: 4)))), .existing(seq: 4),
                ])
            #expect(try await store.lastSequence() == 4)
            let found = try await store.withSnapshot { snapshot in
                try ["upload:r1", "mail:r1", "nope"].map { try snapshot.sequence(forIdempotencyKey: $0) }
            }
            #expect(found == [1, 4, nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readsByStreamTypeRangeAndDirection(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            for n in 1...12 {
                _ = try await store.append([draft(n, stream: "campaign:C\(n % 3)", type: n % 2 == 0 ? "Even" : "Odd")])
            }
            #expect(try await store.events(EventQuery(stream: "campaign:C1")).map(\.seq) == [1, 4, 7, 10])
            #expect(try await store.events(EventQuery(type: "Even")).map(\.seq) == [2, 4, 6, 8, 10, 12])
            #expect(try await store.events(EventQuery(stream: "campaign:C1", type: "Even")).map(\.seq) == [4, 10])
            #expect(try await store.events(EventQuery(afterSeq: 3, throughSeq: 6)).map(\.seq) == [4, 5, 6])
            #expect(try await store.events(EventQuery(newestFirst: true, limit: 3)).map(\.seq) == [12, 11, 10])
            #expect(
                try await store.events(EventQuery(stream: "campaign:C2", throughSeq: 8, newestFirst: true)).map(\.seq)
                    == [
                        8, 5, 2,
                    ])
            #expect(try await store.events(EventQuery(type: "Odd", afterSeq: 5, limit: 2)).map(\.seq) == [7, 9])
            #expect(try await store.events(EventQuery(stream: "campaign:C")).isEmpty)
            #expect(
                try await store.events(EventQuery(stream: "campaign:C1", newestFirst: true)).map(\.seq) == [
                    10, 7, 4, 1,
                ])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readsAsOfAnInstantWithRecordedTimeThatNeverGoesBack(kind: StoreKind) async throws {
        let clock = ManualClock(Timestamp(milliseconds: 10_000))
        try await kind.withStore(clock: clock) { store in
            _ = try await store.append([draft(1), draft(2)])  // at 10 000
            clock.advance(milliseconds: 5_000)
            _ = try await store.append([draft(3)])  // at 15 000
            clock.advance(milliseconds: -9_000)
            _ = try await store.append([draft(4)])  // clock says 6 000; recorded as 15 000
            let times = try await store.events().map(\.recordedAt.milliseconds)
            #expect(times == [10_000, 10_000, 15_000, 15_000])
            let asOf = try await store.withSnapshot { snapshot in
                try [9_999, 10_000, 14_999, 99_999].map {
                    try snapshot.lastSequence(recordedAtOrBefore: Timestamp(milliseconds: $0))
                } + [
                    try AsOf.instant(Timestamp(milliseconds: 12_000)).resolve(in: snapshot),
                    try AsOf.sequence(99).resolve(in: snapshot),
                ]
            }
            #expect(asOf == [0, 2, 2, 4, 2, 4])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func preparesALargeBatchOnEveryCoreAndKeepsItsOrder(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            var drafts = (1...3_000).map { draft($0) }
            drafts[700].stream = ""
            drafts[2_500].type = "9Bad"
            // Chunks are prepared in any order; the error still names the first bad draft of the batch.
            await #expect(
                throws: DialerCoreError.invalidField(field: "events[700].stream", reason: "must not be empty")
            ) {
                try await store.append(drafts)
            }
            drafts[700].stream = "campaign:C1"
            let error = await #expect(throws: DialerCoreError.self) { try await store.append(drafts) }
            #expect(error?.description.contains("events[2500].type") == true)
            #expect(try await store.lastSequence() == 0)
            drafts[2_500].type = "IntervalDerived"
            _ = try await store.append(drafts)
            let events = try await store.events()
            #expect(events.map { $0.payload } == drafts.map { try? $0.payload.canonical() })
            #expect(Set(events.map(\.id)).count == drafts.count)
            for (previous, next) in zip(events, events.dropFirst()) { #expect(next.prevHash == previous.hash) }
            #expect(events.allSatisfy { $0.hash == $0.computedHash() })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func appendsIdempotencyKeysOnceAcrossTheChunksOfALargeBatch(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append([draft(0, key: "in-log")])
            var drafts = (1...3_000).map { draft($0) }
            drafts[10].idempotencyKey = "twice"
            drafts[2_010].idempotencyKey = "twice"
            drafts[1_500].idempotencyKey = "in-log"
            let results = try await store.append(drafts)
            #expect(results.count == 3_000)
            #expect(results[10].seq == 12)
            #expect(results[2_010] == .existing(seq: 12))
            #expect(results[1_500] == .existing(seq: 1))
            #expect(results[2_999].seq == 2_999)
            let appendedSeqs = results.compactMap { if case .appended(let e) = $0 { e.seq } else { nil } }
            #expect(appendedSeqs == Array(2...2_999))
            #expect(try await store.lastSequence() == 2_999)
            #expect(try await store.envelope(at: 2_010)?.payload.decoded() == ["n": 2_010])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readsInPlaceWhatItReadsAsEnvelopes(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append(
                (1...6).map { draft($0, stream: "campaign:C\($0 % 2)", key: $0 % 3 == 0 ? "k\($0)" : nil) })
            for query in [EventQuery(), EventQuery(stream: "campaign:C1", newestFirst: true), EventQuery(limit: 2)] {
                let (viewed, keys) = try await store.withSnapshot { snapshot in
                    var viewed: [Envelope] = []
                    var keys: [String?] = []
                    try snapshot.scanInPlace(query) {
                        viewed.append($0.envelope)
                        keys.append($0.idempotencyKey)
                        return true
                    }
                    return (viewed, keys)
                }
                let owned = try await store.events(query)
                #expect(viewed == owned)
                #expect(keys == owned.map(\.idempotencyKey))
                #expect(!owned.isEmpty)
            }
            #expect(try await store.events(EventQuery(stream: "campaign:C1")).map(\.seq) == [1, 3, 5])
            #expect(try await store.envelope(at: 3)?.idempotencyKey == "k3")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSnapshotDoesNotSeeLaterAppends(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append([draft(1)])
            // The LMDB and PostgreSQL stores read on threads of their own, so their snapshots can wait there
            // (never on a cooperative thread) for an append made after they opened; the twin's snapshot is a copy.
            let (opened, snapshotOpen) = AsyncStream.makeStream(of: Void.self)
            let appended = Gate()
            let appending = Task {
                defer { appended.open() }
                for await _ in opened { break }
                return try await store.append([draft(2), draft(3)])
            }
            let escaped = EscapedSnapshot()
            let seen = try await store.withSnapshot { snapshot in
                snapshotOpen.yield()
                if kind != .memory { appended.wait() }
                escaped.snapshot = snapshot
                return [try snapshot.lastSequence(), try snapshot.envelope(at: 2) == nil ? 0 : 2]
            }
            #expect(try await appending.value.map(\.seq) == [2, 3])
            #expect(seen == [1, 0])
            #expect(try await store.lastSequence() == 3)
            if kind != .memory {
                #expect(throws: DialerCoreError.snapshotClosed) { try escaped.snapshot?.lastSequence() }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func findsStreamsAndKeysWhateverTheirUnicodeNormalization(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append([draft(1, stream: "campaign:Cafe\u{301}", key: "mail:Cafe\u{301}")])
            let stored = try #require(try await store.envelope(at: 1))
            #expect(Array(stored.stream.utf8) == Array("campaign:Caf\u{E9}".utf8))
            #expect(try await store.events(EventQuery(stream: "campaign:Caf\u{E9}")).count == 1)
            #expect(try await store.append([draft(2, key: "mail:Caf\u{E9}")]) == [.existing(seq: 1)])
        }
    }
}

/// Holds a snapshot past its closure, to show it refuses use there.
private final class EscapedSnapshot: @unchecked Sendable {
    var snapshot: (any EventSnapshot)?
}

/// The PostgreSQL runs are never left out where they must run.
@Suite struct StoreKindTests {
    @Test func postgresIsInTheContractWheneverCIRunsOrAServerIsNamed() {
        let environment = ProcessInfo.processInfo.environment
        // tools/test starts a server and names it; in CI its absence fails here rather than skipping.
        if environment["CI"] == "true" || !(environment["DIALER_LEDGER_TEST_POSTGRES"] ?? "").isEmpty {
            #expect(StoreKind.allCases.contains(.postgres), "DIALER_LEDGER_TEST_POSTGRES must name a postgres:// URL")
        }
    }
}
