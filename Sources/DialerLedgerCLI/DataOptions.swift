import ArgumentParser
import DialerCore
import EventLog
import Foundation

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
/// one), 2 for every other error.
func exitCode(for error: any Error) -> ExitCode {
    (error as? any CategorizedError)?.category == .corrupt ? ExitCode(1) : ExitCode(2)
}
