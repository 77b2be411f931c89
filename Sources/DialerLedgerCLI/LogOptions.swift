import ArgumentParser
import Foundation
import Logging

/// `--log-level LEVEL` and `--log-format text|json` (else `$DIALER_LEDGER_LOG_LEVEL`, `$DIALER_LEDGER_LOG_FORMAT`;
/// the option wins): how much every command logs to standard error, and in which form.
struct LogOptions: ParsableArguments {
    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "Least severe entry logged: trace, debug, info, notice, warning, error or critical (default "
                + "$DIALER_LEDGER_LOG_LEVEL, else the command's own).", valueName: "LEVEL"))
    var levelText: String?

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "Log lines as text or json, one JSON object per line (default $DIALER_LEDGER_LOG_FORMAT, else text).",
            valueName: "FORMAT"))
    var formatText: String?

    mutating func validate() throws {
        _ = try level()
        _ = try format()
    }

    /// The level asked for, nil for the command's own.
    func level() throws -> Logger.Level? {
        try Self.choice(levelText, option: "--log-level", variable: "DIALER_LEDGER_LOG_LEVEL", among: Logger.Level.self)
    }

    /// The format asked for (text by default).
    func format() throws -> LogFormat {
        try Self.choice(formatText, option: "--log-format", variable: "DIALER_LEDGER_LOG_FORMAT", among: LogFormat.self)
            ?? .text
    }

    /// A logger labelled `dialer-ledger` logging from the level asked for, else from `unset`.
    func logger(unset: Logger.Level) -> Logger {
        var logger = Logger(label: "dialer-ledger")
        logger.logLevel = (try? level()) ?? unset
        return logger
    }

    /// Makes every logger of the process write in the format asked for, from the level asked for (else
    /// errors only: what a library logs on its own, unless the operator asks for more).
    func bootstrap() {
        let format = (try? format()) ?? .text
        let level = (try? level()) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = ConsoleLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    /// The value named by `option`, else by the environment variable `variable`; a value not among the cases
    /// is refused naming where it came from and the values allowed.
    private static func choice<Choice: CaseIterable & RawRepresentable<String>>(
        _ given: String?, option: String, variable: String, among: Choice.Type
    ) throws -> Choice? {
        let environment = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        guard let text = given ?? environment else { return nil }
        guard let value = Choice(rawValue: text.lowercased()) else {
            let source = given == nil ? variable : option
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(source): \"\(text)\" is not one of \(allowed)")
        }
        return value
    }
}

/// A command that takes `LogOptions`: `main` sets up logging from them before it runs.
protocol LoggedCommand: ParsableCommand {
    var logging: LogOptions { get }
}
