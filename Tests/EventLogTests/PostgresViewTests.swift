import DialerCore
import DialerTesting
import Foundation
import PostgresNIO
import Testing

@testable import PostgresLog

/// What the PostgreSQL log adds to keep the views: tables that take updates where the events refuse them,
/// a schema of version 1 migrated and its views folded by the next append, `verify` naming a damaged event
/// or view row, and `rebuildView`.
@Suite(.enabled(if: PostgresTestServer.url != nil)) struct PostgresViewTests {
    private static func store(_ url: PostgresStoreURL, clock: ManualClock = ManualClock()) -> PostgresEventStore {
        PostgresEventStore(url: url, clock: clock.closure, maximumConnections: 4, logger: PostgresTestServer.logger)
    }

    /// Runs `statements` on a connection of its own, past the store.
    private static func run(_ url: PostgresStoreURL, _ statements: [PostgresQuery]) async throws {
        try await PostgresTestServer.withClient(url) { client in
            for statement in statements { try await client.query(statement) }
        }
    }

    /// A store on a fresh database holding `batches` batches of the view mix, running while `body` runs.
    private static func withLog(
        batches: Int, seed: UInt64,
        _ body: (PostgresStoreURL, PostgresEventStore, inout ViewEventMix) async throws -> Void
    ) async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url)
            try await PostgresTestServer.withRunning(store) {
                var mix = ViewEventMix(seed: seed)
                for _ in 0..<batches { _ = try await store.append(mix.batch()) }
                try await body(url, store, &mix)
            }
        }
    }

    @Test func theViewTablesTakeUpdatesAndDeletesWhileTheEventsStayAppendOnly() async throws {
        try await Self.withLog(batches: 20, seed: 4) { url, store, _ in
            try await Self.run(
                url,
                [
                    "UPDATE dialer_ledger.view_rows SET value = '\\x7b7d' WHERE view = 'audit' AND key >= 'row/'::bytea",
                    "DELETE FROM dialer_ledger.view_rows WHERE view = 'completion'",
                    "UPDATE dialer_ledger.view_state SET checkpoint = checkpoint",
                ])
            await #expect(throws: PSQLError.self) {
                try await Self.run(url, ["UPDATE dialer_ledger.events SET stream = 'campaign:X' WHERE seq = 1"])
            }
            #expect(try await store.verify().problem?.reason.hasPrefix("view audit differs") == true)
        }
    }

    @Test func aSchemaOfVersionOneIsMigratedAndItsViewsAreFoldedByTheNextAppend() async throws {
        try await PostgresTestServer.withDatabase { url in
            // A log written by a program of schema version 1: no view tables, events and head only.
            let old = InMemoryEventStore(clock: ManualClock().closure)
            var mix = ViewEventMix(seed: 12)
            for _ in 0..<20 { _ = try await old.append(mix.batch()) }
            let events = try await old.events()
            let last = try #require(events.last)
            try await Self.run(
                url,
                PostgresLogSchema.migrations[0].map { PostgresQuery(unsafeSQL: $0) } + [
                    "INSERT INTO dialer_ledger.format (name, version) VALUES ('dialer-ledger', 1)",
                    EventRow.insert(events),
                    """
                    UPDATE dialer_ledger.head SET seq = \(Int64(last.seq)), hash = \(ByteBuffer(bytes: last.hash.bytes)),
                        recorded_at = \(unescaped: EventRow.instant("\(last.recordedAt.milliseconds)"))
                    """,
                ])
            let store = Self.store(url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                let older = PostgresLogError.olderSchema(store: url.description, found: 1, supported: 2)
                await #expect(throws: older) { try await store.lastSequence() }
                #expect(try await store.initialize() == 1)
                #expect(try await store.initialize() == PostgresLogSchema.version)
                try await store.withSnapshot { snapshot throws in
                    #expect(try snapshot.storedView("audit") == nil, "no view kept yet")
                    #expect(try viewDifference(snapshot) == nil, "readers fold the views from the log")
                }
                _ = try await store.append(mix.batch())
                try await expectViewsKeptThroughTheHead(store)
                #expect(try await store.verify().problem == nil)
                #expect(Array(try await store.events().prefix(events.count)) == events)
            }
        }
    }

    @Test func aViewFarBehindIsCaughtUpABoundedStretchPerAppendAndServedWholeMeanwhile() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url)
            try await PostgresTestServer.withRunning(store) {
                var mix = ViewEventMix(seed: 21)
                let limit = PostgresViews.catchUpLimit
                // More than two transactions' catch-up, then the kept views forgotten (as a new projector's).
                _ = try await store.append((0..<Int(2 * limit) + 100).map { _ in mix.event() })
                try await Self.run(
                    url, ["DELETE FROM dialer_ledger.view_rows", "DELETE FROM dialer_ledger.view_state"])
                _ = try await store.append(mix.batch())
                try await store.withSnapshot { snapshot throws in
                    for projector in ViewCatalog.all {
                        #expect(try snapshot.storedView(projector.name)?.checkpoint == limit, "one stretch only")
                    }
                    #expect(try viewDifference(snapshot) == nil, "readers are served the rest folded from the log")
                }
                #expect(try await store.verify().problem == nil)
                // A rebuild while the kept rows lag compares them as readers are served them, and serves the head.
                let rebuilt = try await store.rebuildView("audit")
                #expect(rebuilt.firstDifference == nil)
                _ = try await store.append(mix.batch())
                try await expectViewsKeptThroughTheHead(store)
            }
        }
    }

    @Test func verifyNamesAnAlteredOrMissingEventAndAWrongHead() async throws {
        try await Self.withLog(batches: 10, seed: 6) { url, store, _ in
            let sound = try await store.verify()
            #expect(sound.problem == nil)
            #expect(sound.eventCount == (try await store.lastSequence()))
            #expect(sound.head == (try await store.events().last?.hash))
            let unlocked: PostgresQuery = "ALTER TABLE dialer_ledger.events DISABLE TRIGGER events_append_only"
            try await Self.run(url, [unlocked, "UPDATE dialer_ledger.events SET stream = 'campaign:X' WHERE seq = 3"])
            let altered = try #require(try await store.verify().problem)
            #expect(altered.seq == 3)
            #expect(altered.reason.hasPrefix("content does not match its hash"))
            try await Self.run(url, [unlocked, "DELETE FROM dialer_ledger.events WHERE seq <= 3"])
            #expect(
                try await store.verify().problem
                    == LogProblem(seq: 1, reason: "missing (the next stored event is seq 4)"))
        }
        try await Self.withLog(batches: 3, seed: 6) { url, store, _ in
            try await Self.run(url, ["UPDATE dialer_ledger.head SET seq = seq + 1"])
            #expect(
                try await store.verify().problem?.reason.hasPrefix("the head row does not match the last event") == true
            )
        }
    }

    @Test func rebuildingAViewProvesItEqualOrNamesWhereItDifferedAndMendsIt() async throws {
        try await Self.withLog(batches: 30, seed: 8) { url, store, mix in
            let head = try await store.lastSequence()
            #expect(
                try await store.rebuildView("audit")
                    == ViewRebuild(view: "audit", throughSeq: head, firstDifference: nil))
            let key = try #require(
                try await store.withSnapshot { snapshot -> [UInt8]? in
                    var first: [UInt8]?
                    try snapshot.storedView("audit")?.rows.scan(
                        ViewKeyRange(prefix: Array("row/".utf8)), descending: false
                    ) {
                        key, _ in
                        first = key
                        return false
                    }
                    return first
                })
            try await Self.run(
                url,
                [
                    "UPDATE dialer_ledger.view_rows SET value = '\\x7b7d' WHERE view = 'audit' AND key = \(ByteBuffer(bytes: key))"
                ])
            let problem = try #require(try await store.verify().problem)
            #expect(problem.reason == "view audit differs from a fresh fold of the log at key \(ViewKey.describe(key))")
            try await expectRebuildMends(store, "audit", differingAt: key)
            _ = try await store.append(mix.batch())
            #expect(try await store.verify().problem == nil, "appends keep the swapped-in slot")
            #expect(try await store.rebuildView("completion").firstDifference == nil)
        }
    }
}
