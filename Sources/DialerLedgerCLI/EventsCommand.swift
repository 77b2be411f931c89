import ArgumentParser
import DialerCore
import Pipelines

/// `dialer-ledger events`: look into a log, one canonical JSON envelope per line.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Look into the event log (output: one canonical JSON envelope per line).",
        subcommands: [Tail.self, List.self, Show.self, Count.self]
    )

    /// `events tail`: the newest events, oldest of them first; with `--follow`, then each new one.
    struct Tail: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the newest events, oldest first; --follow then prints each new one until stopped.")
        @OptionGroup var logging: LogOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions
        @Option(name: [.customShort("n"), .long], help: "How many of the newest events.") var limit = 10
        @Flag(help: "Keep printing events as they are appended (also by other processes), until interrupted.")
        var follow = false
        @Option(help: EventPrinter.help) var format = TabularFormat.jsonl

        func validate() throws {
            guard limit >= 0 else { throw ValidationError("--limit: must be 0 or more, got \(limit)") }
            guard follow else { return }
            guard !filters.endsTheRange else { throw ValidationError("--follow: not with --to or --as-of") }
            guard format != .json else { throw ValidationError("--follow: an array never ends; use --format jsonl") }
        }

        func run() async throws {
            try await reportingErrors {
                try await data.withLog { log in
                    let (events, head) = try await log.withSnapshot { snapshot in
                        var events: [Envelope] = []
                        try snapshot.scan(try filters.query(in: snapshot, newestFirst: true, limit: limit)) {
                            events.append($0)
                            return true
                        }
                        return (events, try snapshot.lastSequence())
                    }
                    var printer = EventPrinter(format)
                    for event in events.reversed() { printer.print(event) }
                    guard follow else { return printer.end() }
                    var after = head
                    while true {
                        let newHead = try await log.waitForAppends(after: after)
                        let fresh = try await log.withSnapshot { [after] snapshot in
                            var query = try filters.query(in: snapshot)
                            (query.afterSeq, query.throughSeq) = (after, newHead)
                            var fresh: [Envelope] = []
                            try snapshot.scan(query) {
                                fresh.append($0)
                                return true
                            }
                            return fresh
                        }
                        for event in fresh { printer.print(event) }
                        after = newHead
                    }
                }
            }
        }
    }

    /// `events list`: events oldest first, from a sequence on.
    struct List: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(abstract: "Print events oldest first.")
        @OptionGroup var logging: LogOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions
        @Option(help: "Start after this sequence.") var after: UInt64 = 0
        @Option(help: "At most this many events.") var limit: Int?
        @Option(help: EventPrinter.help) var format = TabularFormat.jsonl

        func run() async throws {
            try await reportingErrors {
                try await data.withLog { log in
                    try await log.withSnapshot { snapshot in
                        var query = try filters.query(in: snapshot, limit: limit)
                        query.afterSeq = max(query.afterSeq, after)
                        var printer = EventPrinter(format)
                        try snapshot.scan(query) {
                            printer.print($0)
                            return true
                        }
                        printer.end()
                    }
                }
            }
        }
    }

    /// `events show SEQ`: one event.
    struct Show: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(abstract: "Print the event at a sequence number.")
        @OptionGroup var logging: LogOptions
        @OptionGroup var data: DataOptions
        @Argument(help: "The sequence number.") var seq: UInt64

        func run() async throws {
            try await reportingErrors {
                try await data.withLog { log in
                    guard let envelope = try await log.envelope(at: seq) else {
                        throw DialerCoreError.invalidField(
                            field: "SEQ", reason: "no event \(seq); the log holds 1…\(try await log.lastSequence())")
                    }
                    print(envelope.jsonLine)
                }
            }
        }
    }

    /// `events count`: how many events match.
    struct Count: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(abstract: "Count the events that match the filters.")
        @OptionGroup var logging: LogOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions

        func run() async throws {
            try await reportingErrors {
                try await data.withLog { log in
                    let total = try await log.withSnapshot { snapshot in
                        let query = try filters.query(in: snapshot)
                        if query.stream == nil, query.type == nil {
                            let through = min(query.throughSeq, try snapshot.lastSequence())
                            return through > query.afterSeq ? through - query.afterSeq : 0
                        }
                        var counted: UInt64 = 0
                        try snapshot.scanInPlace(query) { _ in
                            counted += 1
                            return true
                        }
                        return counted
                    }
                    print(total)
                }
            }
        }
    }
}

/// Prints events one at a time, so a long listing streams: `jsonl` the canonical envelopes (the bytes the
/// hash covers), `json` the same as one array, `table` and `csv` one short row per event.
struct EventPrinter {
    /// The `--format` option's help.
    static let help = ArgumentHelp(
        "jsonl (canonical envelopes, one a line), json (one array of them), table or csv (one short row each).")

    private static let columns = ["seq", "recorded_at", "type", "stream", "idempotency_key"]
    private let format: TabularFormat
    private var printed = 0

    /// A printer in `format`; the table and the CSV print their header at once.
    init(_ format: TabularFormat) {
        self.format = format
        switch format {
        case .table: DialerLedgerCLI.print(Self.row(Self.columns.map { $0.uppercased() }))
        case .csv: DialerLedgerCLI.print(CSVText.line(Self.columns), terminator: "")
        case .json, .jsonl: break
        }
    }

    /// Prints `event`.
    mutating func print(_ event: Envelope) {
        let cells = [String(event.seq), event.recordedAt.rfc3339, event.type, event.stream, event.idempotencyKey ?? ""]
        switch format {
        case .jsonl: DialerLedgerCLI.print(event.jsonLine)
        case .json: DialerLedgerCLI.print((printed == 0 ? "[" : ",") + event.jsonLine)
        case .table: DialerLedgerCLI.print(Self.row(cells.map { $0.isEmpty ? "-" : $0 }))
        case .csv: DialerLedgerCLI.print(CSVText.line(cells), terminator: "")
        }
        printed += 1
    }

    /// Ends the listing (closes the JSON array).
    func end() {
        if format == .json { DialerLedgerCLI.print(printed == 0 ? "[]" : "]") }
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [7, 25, 28, 46]
        return zip(cells, widths + [0]).map { cell, width in
            cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
        }.joined().trimmingCharacters(in: .whitespaces)
    }
}
