import ArgumentParser
import DialerCore
import EventLog
import Foundation
import Logging
import Pipelines
import PostgresLog
import ServiceLifecycle

/// `--data DIR`: the folder holding the log and every other piece of state; `--store URL`: the log in
/// PostgreSQL instead of the LMDB log in the data folder.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data folder.", valueName: "DIR"))
    var data: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The event log in PostgreSQL (postgres://USER@HOST:PORT/DB) instead of the LMDB log in the data folder.",
            valueName: "URL"))
    var store: String?

    /// The data folder: `--data`, else `$DIALER_LEDGER_DATA`, else `./.dialer-ledger`.
    var folder: String {
        if let data { return data }
        if let fromEnvironment = ProcessInfo.processInfo.environment["DIALER_LEDGER_DATA"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "./.dialer-ledger"
    }

    /// The log folder inside the data folder.
    var logPath: String { folder + "/log" }

    /// The PostgreSQL log `--store` or `$DIALER_LEDGER_STORE` names; nil for the LMDB log in the data folder.
    func postgresStore() throws -> PostgresStoreURL? {
        if let store { return try PostgresStoreURL(store) }
        let environment = ProcessInfo.processInfo.environment["DIALER_LEDGER_STORE"]
        guard let text = environment, !text.isEmpty else { return nil }
        return try PostgresStoreURL(text, field: "DIALER_LEDGER_STORE")
    }

    /// Where the log is, for messages: the PostgreSQL URL (without a password) or the LMDB log's folder.
    var logDescription: String { ((try? postgresStore()) ?? nil)?.description ?? logPath }

    /// The application over this data folder, as `needs` say: the log `--store` names (else the LMDB log in
    /// DIR/log; read as an empty log when there is none and `missingLogIsEmpty`, for a command that only
    /// looks), the CXone tenant the environment names (else the embedded simulator), `server` when serving;
    /// the system clock, `logger`, and the OTLP exporter of its spans when the environment names one.
    func application(
        _ configuration: ServiceConfiguration = ServiceConfiguration(), needs: ApplicationNeeds = [],
        missingLogIsEmpty: Bool = false, logger: Logger = Logger(label: "dialer-ledger"),
        server: (@Sendable (LedgerApplication) -> any Service)? = nil
    ) async throws -> LedgerApplication {
        let path = logPath
        let postgres = try postgresStore()
        let parts = ApplicationParts(
            dataFolder: folder,
            openStore: { writable, now in
                // PostgreSQL's log is a service: the application runs its connection pool first.
                if let postgres { return PostgresEventStore(url: postgres, clock: now, logger: logger) }
                if missingLogIsEmpty, !writable, !FileManager.default.fileExists(atPath: path + "/data.mdb") {
                    return InMemoryEventStore(clock: now)
                }
                return try LMDBEventStore(path: path, access: writable ? .readWrite : .readOnly, clock: now)
            },
            connectCXone: { [profile = configuration.cxoneProfile] in
                try await CXoneTenant.from(environment: ProcessInfo.processInfo.environment, profile: profile)
            },
            server: server, logger: logger,
            tracing: try TracingBackend.service(environment: ProcessInfo.processInfo.environment, logger: logger))
        return try await buildApplication(configuration: configuration, parts: parts, needs: needs)
    }
}

extension DataOptions {
    /// Runs `body` on the log of an application built with `needs`, while the application (and so a
    /// PostgreSQL log's connection pool) runs.
    func withLog<R>(needs: ApplicationNeeds = [], _ body: (any EventStore) async throws -> R) async throws -> R {
        try await application(needs: needs).run { try await body($0.store) }
    }
}

/// Runs a command body; an error is printed as one line on standard error and exits as `exitCode(for:)` says.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("dialer-ledger: \(error)")
        throw exitCode(for: error)
    }
}

/// Runs `body`; any error but an exit code is printed as one line on standard error and exits as
/// `exitCode(for:)` says.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("dialer-ledger: \(error)")
        throw exitCode(for: error)
    }
}

/// The one place that maps an error to an exit code: 1 for a damaged log (as `verify` exits on an unsound
/// one), 5 when the PostgreSQL log could not be reached or stayed busy (trying again later may succeed), 2
/// for every other error.
func exitCode(for error: any Error) -> ExitCode {
    if (error as? PostgresLogError)?.isTransient == true { return ExitCode(5) }
    return (error as? any CategorizedError)?.category == .corrupt ? ExitCode(1) : ExitCode(2)
}
