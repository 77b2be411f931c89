import ArgumentParser
import DialerCore
import EventLog
import Pipelines
import PostgresLog

/// `dialer-ledger log`: the log itself, whichever store holds it.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Create or migrate the event log.", subcommands: [Init.self])

    /// `log init`: creates the log, or migrates an older PostgreSQL schema; refuses a newer one.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the event log (the LMDB log in the data folder, or the schema --store names).",
            discussion: "Safe to repeat, and to run from several machines at once: an existing log is left as it is.")
        @OptionGroup var data: DataOptions

        func run() async throws {
            try await reportingErrors {
                guard let url = try data.postgresStore() else {
                    let count = try await data.withLog(needs: .writing) { try await $0.lastSequence() }
                    print("log ready at \(data.logPath) (\(count) events)")
                    return
                }
                let found = try await data.application(needs: .writing).run { app in
                    guard let store = (app.store as? MeteredEventStore)?.base as? PostgresEventStore else {
                        preconditionFailure("--store names a PostgreSQL log")
                    }
                    return try await store.initialize()
                }
                let version = PostgresLogSchema.version
                switch found {
                case 0: print("created log schema version \(version) at \(url)")
                case version: print("log schema version \(version) already at \(url); nothing to do")
                default: print("migrated log schema from version \(found) to \(version) at \(url)")
                }
            }
        }
    }
}
