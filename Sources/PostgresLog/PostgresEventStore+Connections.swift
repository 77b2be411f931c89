import PostgresNIO
import Synchronization

extension PostgresEventStore {
    /// Runs `body` in a transaction on one pooled connection, opened with `begin`: committed if `body`
    /// returns, rolled back if it throws; server errors come out as `PostgresLogError`s.
    func inTransaction<R: Sendable>(
        _ begin: PostgresQuery, _ body: @Sendable (PostgresConnection) async throws -> R
    ) async throws -> R {
        try await withConnection { try await self.transaction(begin, on: $0, body) }
    }

    /// Runs `body` with one pooled connection of its own; server errors come out as `PostgresLogError`s. A
    /// connection not got within the URL's connect timeout, while the pool is not busy with all its
    /// connections, fails as `unreachable` (the pool itself would retry for a minute).
    func withConnection<R: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> R)
        async throws -> R
    {
        do {
            return try await leasing(body)
        } catch let error as PostgresLogError {
            throw error
        } catch {
            throw PostgresLogError.from(error, store: url.description, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        }
    }

    /// Runs `body` holding a pooled connection, counted in `connectionsHeld`.
    func holding<R: Sendable>(_ connection: PostgresConnection, _ body: (PostgresConnection) async throws -> R)
        async throws -> R
    {
        connectionsHeld.add(1, ordering: .relaxed)
        defer { connectionsHeld.subtract(1, ordering: .relaxed) }
        return try await body(connection)
    }

    /// The lease raced against a watchdog that, each connect timeout, gives up unless the lease came or the
    /// pool has every connection held (then the wait is for a busy pool, not an unreachable server).
    private func leasing<R: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> R)
        async throws -> R
    {
        let lease = PendingLease()
        let timeout = Duration.seconds(url.connectTimeoutSeconds)
        let unreachable = PostgresLogError.unreachable(store: url.description, seconds: url.connectTimeoutSeconds)
        // Both tasks end before the group returns, so `body` does not outlive this call.
        return try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: R?.self) { group in
                group.addTask {
                    do {
                        return try await self.client.withConnection { connection in
                            guard lease.take() else { throw CancellationError() }
                            return try await self.holding(connection, body)
                        }
                    } catch  where !(error is CancellationError) && lease.isWaiting {
                        throw unreachable  // the pool gave up connecting before the watchdog did
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: timeout)
                        let poolBusy = self.connectionsHeld.load(ordering: .relaxed) >= self.maximumConnections
                        switch lease.giveUp(unless: poolBusy) {
                        case .leased: return nil
                        case .gaveUp: throw unreachable
                        case .waiting: continue
                        }
                    }
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let result = next { return result }
                }
                throw CancellationError()  // not reached: the lease's task returns a value or throws
            }
        }
    }

    /// Runs `body` in a transaction on `connection`, opened with `begin`: committed if `body` returns, rolled
    /// back if it throws.
    func transaction<R: Sendable>(
        _ begin: PostgresQuery, on connection: PostgresConnection, _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        try await connection.rows(begin, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.rows("COMMIT", logger: logger)
            return result
        } catch {
            // A lost connection's transaction ended with its session: the ROLLBACK fails at once there.
            _ = try? await connection.rows("ROLLBACK", logger: logger)
            throw error
        }
    }
}

/// A wait for a pooled connection: waiting, then leased (the body runs) or given up (the watchdog failed
/// the wait), whichever comes first.
private final class PendingLease: Sendable {
    enum State { case waiting, leased, gaveUp }
    private let state = Mutex(State.waiting)

    var isWaiting: Bool { state.withLock { $0 == .waiting } }

    /// Takes the connection for the body; false when the wait was given up first.
    func take() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return false }
            state = .leased
            return true
        }
    }

    /// Gives the wait up unless the connection came or `busy`; returns the state after.
    func giveUp(unless busy: Bool) -> State {
        state.withLock { state in
            if state == .waiting && !busy { state = .gaveUp }
            return state
        }
    }
}
