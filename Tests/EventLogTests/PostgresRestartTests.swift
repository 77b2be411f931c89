import DialerCore
import DialerTesting
import Foundation
import PostgresLog
import PostgresNIO
import Synchronization
import Testing

/// Writers on a PostgreSQL log living through a restart of the server (a cluster of the test's own): the
/// clients reconnect by themselves, an append cut short surfaces as an error (never as a success), retried
/// with its idempotency key it is recorded once, and the log stays one gap-free, sound chain.
@Suite(.enabled(if: PostgresTestServer.url != nil)) struct PostgresRestartTests {
    /// The writers: paused or not, how many are inside an append, what each key was acknowledged at, and the
    /// errors they met.
    private final class Writers: Sendable {
        let paused = Atomic(false)
        let stopped = Atomic(false)
        let appending = Atomic(0)
        let state = Mutex((seqs: [String: UInt64](), errors: [PostgresLogError]()))
        var acknowledged: Int { state.withLock { $0.seqs.count } }
    }

    /// A store on `url` that waits up to 60 s for a connection, so a restart slowed by a busy machine is
    /// waited out rather than taken for an unreachable server.
    private static func store(_ url: PostgresStoreURL) -> PostgresEventStore {
        var patient = url
        patient.connectTimeoutSeconds = 60
        return PostgresEventStore(url: patient, maximumConnections: 4, logger: PostgresTestServer.logger)
    }

    /// Waits until `condition` holds, at most 120 s; throws naming `what` if it does not.
    private static func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        guard try await eventually(timeout: .seconds(120), condition) else {
            throw PostgresLogError.storage(store: "test", reason: "\(what) did not happen within 120 s")
        }
    }

    /// Appends one keyed event after another until stopped (waiting while paused), each retried with its key
    /// after a transient error (for at most 20 s), and records what each returned.
    private static func write(_ store: PostgresEventStore, as writer: String, _ writers: Writers) async throws {
        var n = 0
        while !writers.stopped.load(ordering: .relaxed) {
            if writers.paused.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            let key = "\(writer)-\(n)"
            let draft = EventDraft(
                type: "Noted", stream: "writer:\(writer)", payload: ["n": .int(Int64(n))], idempotencyKey: key)
            let deadline = ContinuousClock.now + .seconds(20)
            writers.appending.add(1, ordering: .relaxed)
            defer { writers.appending.subtract(1, ordering: .relaxed) }
            while true {
                do {
                    let seq = try await store.append([draft])[0].seq
                    writers.state.withLock { $0.seqs[key] = seq }
                    break
                } catch let error as PostgresLogError where error.isTransient && ContinuousClock.now < deadline {
                    writers.state.withLock { $0.errors.append(error) }
                    try await Task.sleep(for: .milliseconds(20))  // the server is restarting: try again soon
                }
            }
            n += 1
        }
    }

    /// The sessions of `connection`'s database waiting for a lock.
    private static func waitingForLocks(_ connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.rows(
            """
            SELECT count(*)::bigint FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            """, logger: PostgresTestServer.logger)
        return try rows.first?.decode(Int64.self) ?? 0
    }

    @Test func writersLiveThroughAServerRestartWithNothingLostOrDuplicated() async throws {
        try await PostgresTestCluster.with { cluster in
            let stores = (0..<3).map { _ in Self.store(cluster.url) }
            let held = Self.store(cluster.url)
            try await PostgresTestServer.withRunning(stores[0], stores[1], stores[2], held) {
                let writers = Writers()
                let (heldOutcome, inFlight) = try await withThrowingTaskGroup(of: Void.self) { group in
                    // Whatever happens, the writers stop, so the group can end.
                    defer { writers.stopped.store(true, ordering: .relaxed) }
                    for (index, store) in stores.enumerated() {
                        for writer in 0..<2 {
                            group.addTask { try await Self.write(store, as: "w\(index)\(writer)", writers) }
                        }
                    }
                    try await Self.waitFor("60 appends") { writers.acknowledged >= 60 }
                    writers.paused.store(true, ordering: .relaxed)
                    try await Self.waitFor("the writers pausing") { writers.appending.load(ordering: .relaxed) == 0 }
                    let (outcome, inFlight) = try await PostgresTestServer.withClient(cluster.url) { client in
                        try await client.withConnection { holder in
                            // Another session holds the head, so the appends that come next are in flight (each
                            // waiting for the head) when the server goes down.
                            try await holder.rows("BEGIN", logger: PostgresTestServer.logger)
                            do {
                                try await holder.rows(
                                    "SELECT seq FROM dialer_ledger.head FOR UPDATE", logger: PostgresTestServer.logger)
                                let append = Task {
                                    try await held.append([
                                        EventDraft(type: "Noted", stream: "held", payload: [:], idempotencyKey: "held")
                                    ])
                                }
                                try await Self.waitFor("the held append waiting") {
                                    try await Self.waitingForLocks(holder) == 1
                                }
                                writers.paused.store(false, ordering: .relaxed)
                                try await Self.waitFor("writers' appends waiting behind it") {
                                    try await Self.waitingForLocks(holder) >= 3
                                }
                                let inFlight = try await Self.waitingForLocks(holder)
                                let before = writers.acknowledged
                                try await cluster.restart("fast")
                                // The writers reconnect by themselves and carry on.
                                try await Self.waitFor("60 appends after the restart") {
                                    writers.acknowledged >= before + 60
                                }
                                return (await append.result, inFlight)
                            } catch {
                                // Let the writers through, so they stop and the test ends with its failure.
                                _ = try? await holder.rows("ROLLBACK", logger: PostgresTestServer.logger)
                                throw error
                            }
                        }
                    }
                    writers.stopped.store(true, ordering: .relaxed)
                    try await group.waitForAll()
                    return (outcome, inFlight)
                }
                // The held append and the writers' in flight were cut short: each surfaced as a lost connection.
                guard case .failure(let failure) = heldOutcome, case .connectionLost = failure as? PostgresLogError
                else {
                    Issue.record("the held append ended as \(heldOutcome), not as a lost connection")
                    return
                }
                #expect("\(failure)".contains("may or may not be recorded"))
                let errors = writers.state.withLock { $0.errors }
                #expect(
                    errors.count { if case .connectionLost = $0 { true } else { false } } >= inFlight - 1, "\(errors)")
                let events = try await stores[0].events()
                #expect(events.map(\.seq) == Array(1...UInt64(events.count)), "one gap-free sequence")
                var keyed: [String: UInt64] = [:]
                for event in events {
                    let key = try #require(event.idempotencyKey)
                    #expect(keyed.updateValue(event.seq, forKey: key) == nil, "\(key) recorded twice")
                }
                #expect(keyed["held"] == nil, "the append cut short before its commit was not made")
                #expect(keyed == writers.state.withLock { $0.seqs }, "every acknowledged append once, at its sequence")
                #expect(try await stores[0].verify().problem == nil, "the chain verifies")
            }
        }
    }
}
