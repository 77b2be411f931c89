import DialerCore
import Foundation
import PostgresLog
import PostgresNIO

/// The PostgreSQL server the tests use: `DIALER_LEDGER_TEST_POSTGRES` (set by `tools/test`, which starts a
/// throwaway cluster), each test in a database of its own.
enum PostgresTestServer {
    /// The server's URL; nil when the variable is unset, and then a notice says the PostgreSQL runs are left out.
    static let url: PostgresStoreURL? = {
        guard let text = ProcessInfo.processInfo.environment["DIALER_LEDGER_TEST_POSTGRES"], !text.isEmpty else {
            print(
                "notice: DIALER_LEDGER_TEST_POSTGRES is not set, so the EventStore contract does not run against "
                    + "PostgreSQL here (tools/test starts a server and sets it)")
            return nil
        }
        return try? PostgresStoreURL(text)
    }()

    /// A quiet logger for the clients of the tests.
    static let logger: Logger = {
        var logger = Logger(label: "dialer-ledger.tests.postgres")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` with a new empty database on the server, dropped afterwards.
    static func withDatabase<R>(_ body: (PostgresStoreURL) async throws -> R) async throws -> R {
        guard let server = url else {
            throw PostgresLogError.invalidURL(field: "DIALER_LEDGER_TEST_POSTGRES", reason: "unset")
        }
        let name = "dialer_ledger_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withClient(server) { try await $0.query("CREATE DATABASE \(unescaped: name)") }
        let outcome: Result<R, any Error>
        do {
            outcome = .success(try await body(server.database(name)))
        } catch {
            outcome = .failure(error)
        }
        try await withClient(server) { try await $0.query("DROP DATABASE \(unescaped: name) WITH (FORCE)") }
        return try outcome.get()
    }

    /// Runs `body` with a running client of `url` of its own.
    @discardableResult
    static func withClient<R: Sendable>(_ url: PostgresStoreURL, _ body: (PostgresClient) async throws -> R)
        async throws -> R
    {
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with `stores` running (on one database), its schema created.
    static func withRunning<R: Sendable>(_ stores: PostgresEventStore..., body: () async throws -> R) async throws
        -> R
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.run() } }
            defer { group.cancelAll() }
            _ = try await stores.first?.initialize()
            return try await body()
        }
    }
}
