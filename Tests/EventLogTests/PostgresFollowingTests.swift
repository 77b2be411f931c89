import DialerCore
import DialerTesting
import PostgresLog
import PostgresNIO
import Testing

/// Waits for appends across processes on the PostgreSQL log: two stores (two connection pools, to the server
/// two processes), one appending and one waiting; notifications wake the waiter, and when they are lost (the
/// listening connection killed) the catch-up still does.
@Suite(.enabled(if: PostgresTestServer.url != nil)) struct PostgresFollowingTests {
    private static func draft(_ n: Int) -> EventDraft {
        EventDraft(type: "IntervalDerived", stream: "campaign:C1", payload: ["n": .int(Int64(n))])
    }

    private static func store(_ url: PostgresStoreURL) -> PostgresEventStore {
        PostgresEventStore(
            url: url, clock: ManualClock().closure, maximumConnections: 4, catchUpInterval: .milliseconds(200),
            logger: PostgresTestServer.logger)
    }

    /// The backends listening for appends in `url`'s database.
    private static func listeners(_ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*)::bigint FROM pg_stat_activity
            WHERE datname = current_database() AND query ILIKE 'LISTEN%'
            """)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    @Test func anotherProcesssAppendWakesAWaitAndALostNotificationOnlyDelaysIt() async throws {
        try await PostgresTestServer.withDatabase { url in
            let (follower, writer) = (Self.store(url), Self.store(url))
            try await PostgresTestServer.withRunning(follower, writer) {
                try await PostgresTestServer.withClient(url) { client in
                    #expect(try await eventually { try await Self.listeners(client) == 2 })
                    let notified = Task { try await follower.waitForAppends(after: 0) }
                    _ = try await writer.append([Self.draft(1)])
                    #expect(try await notified.value == 1)
                    // Every listening connection killed: the notification of the next append reaches no one.
                    let killed = try await client.query(
                        """
                        SELECT count(pg_terminate_backend(pid))::bigint FROM pg_stat_activity
                        WHERE datname = current_database() AND query ILIKE 'LISTEN%'
                        """
                    ).collect().first?.decode(Int64.self)
                    #expect(killed == 2)
                    let caughtUp = Task { try await follower.waitForAppends(after: 1) }
                    _ = try await writer.append([Self.draft(2), Self.draft(3)])
                    #expect(try await caughtUp.value == 3)
                    // And the followers listen again.
                    #expect(try await eventually { try await Self.listeners(client) == 2 })
                    let again = Task { try await follower.waitForAppends(after: 3) }
                    _ = try await writer.append([Self.draft(4)])
                    #expect(try await again.value == 4)
                }
            }
        }
    }
}
