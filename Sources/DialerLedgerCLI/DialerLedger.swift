import ArgumentParser
import DialerCore
import Foundation

/// The `dialer-ledger` command: parsing only; the work happens in the library targets.
@main
struct DialerLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialer-ledger",
        abstract: "Event-sourced dialer reports and campaign scheduling for NICE CXone.",
        discussion: """
            Every command takes --data DIR (default $DIALER_LEDGER_DATA, else ./.dialer-ledger); the \
            event log lives in DIR/log. Every command takes --log-level LEVEL and --log-format text|json \
            (default $DIALER_LEDGER_LOG_LEVEL, $DIALER_LEDGER_LOG_FORMAT): log entries on standard error.
            Exit codes: 0 success, 1 an unsound or damaged log (verify; any command that reads a stored event \
            that does not decode, or a report that does not match its recorded SHA-256), 2 an error (named on \
            standard error), \
            3 a publication left unfinished (report run --publish, report publish), \
            4 no campaign could be fetched (report run: the run is recorded as failed, nothing is published), \
            64 bad usage, 141 standard output or error closed by its reader (as SIGPIPE ends a process).
            """,
        version: BuildInfo.version,
        subcommands: [
            ReportCommand.self, ReplayCommand.self, VerifyCommand.self, EventsCommand.self, SimulateCommand.self,
            ScheduleCommand.self, WebhooksCommand.self, AuditCommand.self, CronCommand.self, S3Command.self,
            ServeCommand.self, ViewsCommand.self, LogCommand.self,
            SampleCommand.self,
            JobsCommand.self, ConfigCommand.self,
        ]
    )

    /// Parses and runs the command, with standard output written line by line, so a watcher (or a log
    /// collector) sees each progress line when it is printed, also when the process is stopped.
    static func main() async {
        writeStandardOutputLineByLine()
        do {
            var command = try parseAsRoot()
            (command as? any LoggedCommand)?.logging.bootstrap()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
