import ArgumentParser
import DialerCore
import EventLog
import Foundation
import Logging
import Pipelines
import ServiceLifecycle

/// `--data DIR`: the folder holding the log and every other piece of state.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data folder.", valueName: "DIR"))
    var data: String?

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

    /// Opens the log; commands that only read never create one.
    func openLog(_ access: LMDBEventStore.Access) throws -> LMDBEventStore {
        try LMDBEventStore(path: logPath, access: access)
    }

    /// The application over this data folder, as `needs` say: the LMDB log in DIR/log, the CXone tenant the
    /// environment names (else the embedded simulator), `server` when serving; the system clock, `logger`.
    func application(
        _ configuration: ServiceConfiguration = ServiceConfiguration(), needs: ApplicationNeeds = [],
        logger: Logger = commandLogger(verbose: false),
        server: (@Sendable (LedgerApplication) -> any Service)? = nil
    ) async throws -> LedgerApplication {
        let path = logPath
        let parts = ApplicationParts(
            dataFolder: folder,
            openStore: { writable, now in
                try LMDBEventStore(path: path, access: writable ? .readWrite : .readOnly, clock: now)
            },
            connectCXone: { try await CXoneTenant.from(environment: ProcessInfo.processInfo.environment) },
            server: server, logger: logger)
        return try await buildApplication(configuration: configuration, parts: parts, needs: needs)
    }
}

/// Runs a command body; an error is printed as one line on standard error and exits with status 2.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("dialer-ledger: \(error)")
        throw ExitCode(2)
    }
}

/// Runs `body`; any error but an exit code is printed as one line on standard error and exits 2.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("dialer-ledger: \(error)")
        throw ExitCode(2)
    }
}
