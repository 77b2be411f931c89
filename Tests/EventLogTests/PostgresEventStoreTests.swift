import DialerCore
import DialerTesting
import Foundation
import PostgresLog
import PostgresNIO
import Testing

/// What only the PostgreSQL log has to show beyond the shared contract: one chain across many writers on
/// connections of their own, an append-only table, a bounded wait for the head, the schema's version.
@Suite(.enabled(if: PostgresTestServer.url != nil)) struct PostgresEventStoreTests {
    private static func draft(_ n: Int, key: String? = nil) -> EventDraft {
        EventDraft(
            type: "IntervalDerived", stream: "campaign:C\(n % 3)", payload: ["n": .int(Int64(n))], idempotencyKey: key)
    }

    private static func store(_ url: PostgresStoreURL, clock: ManualClock = ManualClock(), lockTimeout: Int64 = 5_000)
        -> PostgresEventStore
    {
        PostgresEventStore(
            url: url, clock: clock.closure, lockTimeoutMilliseconds: lockTimeout, maximumConnections: 4,
            logger: PostgresTestServer.logger)
    }

    @Test func writersOnConnectionsOfTheirOwnAppendOneGapFreeChainWithUniqueKeys() async throws {
        try await PostgresTestServer.withDatabase { url in
            // Four stores, four connection pools: to the server, as many writer processes.
            let stores = (0..<4).map { _ in Self.store(url) }
            try await PostgresTestServer.withRunning(stores[0], stores[1], stores[2], stores[3]) {
                let acknowledged = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
                    for (index, store) in stores.enumerated() {
                        for writer in 0..<3 {
                            group.addTask {
                                var results: [AppendResult] = []
                                for batch in 0..<12 {
                                    // Every writer repeats the same keys, so they race across connections.
                                    let n = index * 1_000 + writer * 100 + batch
                                    results += try await store.append([
                                        Self.draft(n, key: "batch-\(batch)"), Self.draft(n),
                                    ])
                                }
                                return results
                            }
                        }
                    }
                    return try await group.reduce(into: [AppendResult]()) { $0 += $1 }
                }
                let events = try await stores[0].events()
                #expect(events.map(\.seq) == Array(1...UInt64(events.count)))
                #expect(events.first?.prevHash == .zero)
                for (previous, next) in zip(events, events.dropFirst()) { #expect(next.prevHash == previous.hash) }
                #expect(events.allSatisfy { $0.hash == $0.computedHash() })
                // 12 writers × 12 batches × 2 drafts, of which each batch's first has a key all writers share.
                #expect(events.count == 12 * 12 + 12)
                let keyed = Dictionary(grouping: events.filter { $0.idempotencyKey != nil }, by: \.idempotencyKey)
                #expect(keyed.count == 12 && keyed.values.allSatisfy { $0.count == 1 })
                let appended = acknowledged.compactMap { if case .appended(let e) = $0 { e.seq } else { nil } }
                #expect(appended.sorted() == events.map(\.seq))
                let keyedSeqs = Set(keyed.values.flatMap { $0.map(\.seq) })
                for case .existing(let seq) in acknowledged { #expect(keyedSeqs.contains(seq)) }
            }
        }
    }

    @Test func theEventsTableRefusesUpdateDeleteAndTruncate() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url)
            try await PostgresTestServer.withRunning(store) {
                _ = try await store.append([Self.draft(1), Self.draft(2)])
                try await PostgresTestServer.withClient(url) { client in
                    for statement: PostgresQuery in [
                        "UPDATE dialer_ledger.events SET stream = 'campaign:X'",
                        "DELETE FROM dialer_ledger.events WHERE seq = 2", "TRUNCATE dialer_ledger.events",
                    ] {
                        let error = await #expect(throws: PSQLError.self) { try await client.query(statement) }
                        #expect(error?.serverInfo?[.sqlState] == "42501")
                        #expect(error?.serverInfo?[.message]?.contains("append-only") == true)
                    }
                }
                #expect(try await store.events().map(\.stream) == ["campaign:C1", "campaign:C2"])
            }
        }
    }

    @Test func storesThePayloadAsTheHashedTextAndTheRecordedTimeExactly() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url, clock: ManualClock(Timestamp(milliseconds: 1_790_000_000_123)))
            try await PostgresTestServer.withRunning(store) {
                _ = try await store.append([
                    EventDraft(type: "Noted", stream: "run:R1", payload: ["b": "é\u{1}", "a": .double(1.5)])
                ])
                let stored = try #require(try await store.envelope(at: 1))
                let row = try await PostgresTestServer.withClient(url) { client in
                    try await client.query(
                        "SELECT payload, pg_typeof(payload)::text, recorded_at = '2026-09-21T14:13:20.123Z' FROM dialer_ledger.events"
                    ).collect().first?.decode((String, String, Bool).self)
                }
                #expect(row?.0 == String(decoding: stored.payload.bytes, as: UTF8.self))
                #expect(row?.1 == "text")
                #expect(row?.2 == true)
                #expect(stored.recordedAt == Timestamp(milliseconds: 1_790_000_000_123))
                #expect(stored.hash == stored.computedHash())
            }
        }
    }

    @Test func aStatementOnASessionTheServerEndedFailsAsALostConnectionInsteadOfWaiting() async throws {
        try await PostgresTestServer.withDatabase { url in
            try await PostgresTestServer.withClient(url) { client in
                try await client.withConnection { connection in
                    let pid = try #require(
                        try await connection.rows("SELECT pg_backend_pid()", logger: PostgresTestServer.logger)
                            .first?.decode(Int32.self))
                    try await PostgresTestServer.withClient(url) { other in
                        try await other.query("SELECT pg_terminate_backend(\(pid))")
                    }
                    // Between two statements, as a restart ends a transaction's session: the next one is not lost.
                    try await connection.closeFuture.get()
                    await #expect(throws: ConnectionClosedError.self) {
                        try await connection.rows("SELECT 1", logger: PostgresTestServer.logger)
                    }
                }
            }
        }
    }

    @Test func anAppendWaitsForAHeldHeadOnlyUpToItsLockTimeoutAndLeavesNoGap() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url, lockTimeout: 100)
            try await PostgresTestServer.withRunning(store) {
                _ = try await store.append([Self.draft(1)])
                try await PostgresTestServer.withClient(url) { client in
                    try await client.withConnection { holder in
                        // Another writer holds the head row, in a transaction that outlives the append's wait.
                        try await holder.query("BEGIN", logger: PostgresTestServer.logger)
                        try await holder.query(
                            "SELECT seq FROM dialer_ledger.head FOR UPDATE", logger: PostgresTestServer.logger)
                        let busy = await #expect(
                            throws: PostgresLogError.headLocked(store: url.description, waitedMilliseconds: 100)
                        ) {
                            try await store.append([Self.draft(2)])
                        }
                        #expect(busy?.isTransient == true && busy?.category == .unavailable)
                        #expect(busy?.description.contains("the log is busy") == true)
                        try await holder.query("ROLLBACK", logger: PostgresTestServer.logger)
                    }
                }
                #expect(try await store.append([Self.draft(3)]).map(\.seq) == [2])
                #expect(try await store.events().map(\.seq) == [1, 2])
            }
        }
    }

    @Test func refusesADatabaseWithoutALogAndANewerSchema() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = Self.store(url)
            let noLog = PostgresLogError.noLog(store: url.description)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                await #expect(throws: noLog) { try await store.append([Self.draft(1)]) }
                await #expect(throws: noLog) { try await store.lastSequence() }
                #expect(try await store.initialize() == 0)
                #expect(try await store.initialize() == PostgresLogSchema.version)
                try await PostgresTestServer.withClient(url) { client in
                    try await client.query("UPDATE dialer_ledger.format SET version = version + 1")
                }
                let newer = PostgresLogError.newerSchema(
                    store: url.description, found: PostgresLogSchema.version + 1, supported: PostgresLogSchema.version)
                await #expect(throws: newer) { try await store.append([Self.draft(1)]) }
                await #expect(throws: newer) { try await store.lastSequence() }
                await #expect(throws: newer) { try await store.initialize() }
                #expect(newer.description.contains("upgrade dialer-ledger"))
            }
        }
    }
}
