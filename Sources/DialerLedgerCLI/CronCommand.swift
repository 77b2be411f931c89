import ArgumentParser
import DialerCore
import EventLog
import Foundation

/// `dialer-ledger cron`: check cron schedules before trusting them.
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Check cron expressions.", subcommands: [CronNextCommand.self])
}

/// `dialer-ledger cron next`: the next fire times of an expression, or of a whole table on standard input.
struct CronNextCommand: ParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Print the next fire times of a cron expression, one RFC 3339 line each.",
        discussion: """
            The grammar is robfig/cron v3's (5 fields, names, ranges, steps, lists, @daily…, @every 90m, \
            a CRON_TZ= or TZ= prefix). With --stdin, each input line is EXPR<TAB>ZONE<TAB>FROM and each \
            output line holds the next --count times in ZONE separated by tabs, or "error<TAB>reason".
            """)

    @OptionGroup var logging: LogOptions
    @Argument(help: "The cron expression (quote it).") var expression: String?
    @Option(help: "IANA zone the expression is read in (a CRON_TZ= prefix wins).") var tz = "UTC"
    @Option(
        help: ArgumentHelp(
            "Start after this instant (default: now; a date: midnight in --tz).", valueName: "INSTANT|DATE")) var from:
        String?
    @Option(help: "How many fire times.") var count = 5
    @Option(help: "Daylight saving: wall-clock (ISC cron, the default) or literal (robfig's reading).")
    var dst = CronSchedule.DSTPolicy.wallClock.rawValue
    @Flag(help: "Read EXPR<TAB>ZONE<TAB>FROM lines from standard input.") var stdin = false

    func validate() throws {
        guard (1...1_000).contains(count) else { throw ValidationError("--count: must be 1 to 1000, got \(count)") }
        guard CronSchedule.DSTPolicy(rawValue: dst) != nil else {
            throw ValidationError("--dst: must be wall-clock or literal, got \"\(dst)\"")
        }
        guard stdin == (expression == nil) else {
            throw ValidationError(stdin ? "--stdin: give no expression with it" : "give an expression, or --stdin")
        }
    }

    func run() throws {
        try reportingErrors {
            let policy = CronSchedule.DSTPolicy(rawValue: dst)!
            guard stdin else {
                guard let zone = TimeZone(identifier: tz) else {
                    throw ValidationError("--tz: \"\(tz)\" is not an IANA time zone")
                }
                let start =
                    try from.map { try Timestamp(parsing: $0, in: zone, field: "--from") } ?? Timestamp.systemNow()
                let schedule = try CronSchedule(parsing: expression!, timeZone: zone, dst: policy)
                for time in Self.times(schedule, after: start, count: count) {
                    print(time.rfc3339(in: schedule.timeZone))
                }
                return
            }
            while let line = readLine() {
                print(Self.row(line, count: count, dst: policy))
            }
        }
    }

    /// One output line for an input line `EXPR<TAB>ZONE<TAB>FROM`.
    static func row(_ line: String, count: Int, dst: CronSchedule.DSTPolicy) -> String {
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return "error\texpected EXPR<TAB>ZONE<TAB>FROM, got \(parts.count) fields" }
        guard let zone = TimeZone(identifier: parts[1]) else {
            return "error\tzone: \"\(parts[1])\" is not an IANA time zone"
        }
        do {
            let start = try Timestamp(parsing: parts[2], in: zone, field: "from")
            let schedule = try CronSchedule(parsing: parts[0], timeZone: zone, dst: dst)
            let times = times(schedule, after: start, count: count).map { $0.rfc3339(in: zone) }
            return times.isEmpty ? "error\tno fire time within eight years" : times.joined(separator: "\t")
        } catch {
            return "error\t\(error)"
        }
    }

    private static func times(_ schedule: CronSchedule, after start: Timestamp, count: Int) -> [Timestamp] {
        var times: [Timestamp] = []
        var cursor = start
        while times.count < count, let next = schedule.next(after: cursor) {
            times.append(next)
            cursor = next
        }
        return times
    }
}
