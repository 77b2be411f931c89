import ArgumentParser
import DialerCore
import EventLog
import Pipelines
import PostgresLog

/// `dialer-ledger log`: the log itself, whichever store holds it.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Create, migrate or copy the event log.", subcommands: [Init.self, Copy.self])

    /// `log init`: creates the log, or migrates an older PostgreSQL schema; refuses a newer one.
    struct Init: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the event log (the LMDB log in the data folder, or the schema --store names).",
            discussion: "Safe to repeat, and to run from several machines at once: an existing log is left as it is.")
        @OptionGroup var logging: LogOptions
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

    /// `log copy`: a whole log into an empty one of another store, verified after.
    struct Copy: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole log into an empty log of another store, and verify the copy.",
            discussion: """
                A STORE is a postgres:// URL or a data folder holding an LMDB log. The events are copied as they \
                are (seq, id, recorded time and hashes byte for byte), in batches of one transaction each, with \
                a progress line on standard error; then the copy is verified as `verify` does and must end at the \
                source's sequence and hash. A target that already holds events is refused.
                """)

        @OptionGroup var logging: LogOptions
        @Option(help: ArgumentHelp("The log to copy.", valueName: "STORE")) var from: String
        @Option(help: ArgumentHelp("Where to copy it: an empty log, created if missing.", valueName: "STORE"))
        var to: String
        @Option(help: "Events per transaction.") var batchSize = 10_000

        func run() async throws {
            try await reportingErrors {
                guard batchSize > 0 else { throw ValidationError("--batch-size: \(batchSize) is not a positive count") }
                guard from != to else { throw ValidationError("--to: the same store as --from") }
                // Both checked before either is opened, so a bad one is named at once.
                for (store, field) in [(from, "--from"), (to, "--to")] where PostgresStoreURL.isPostgres(store) {
                    _ = try PostgresStoreURL(store, field: field)
                }
                try await StoredLogs.with(from, field: "--from", access: .readOnly) { source in
                    try await StoredLogs.with(to, field: "--to", access: .readWrite, initializing: true) { target in
                        let copy = try await LogCopy.run(from: source, to: target, batchSize: batchSize) {
                            copied, total in
                            printError(
                                "log copy: \(ReportText.grouped(Int64(copied))) / \(ReportText.grouped(Int64(total))) events"
                            )
                        }
                        print(
                            "copied \(copy.eventCount) events (seq 1…\(copy.eventCount)), head \(copy.head.hex.prefix(16)), "
                                + "from \(source.location) to \(target.location); the copy verifies")
                    }
                }
            }
        }
    }
}
