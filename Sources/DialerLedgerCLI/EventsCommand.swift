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

    /// `events tail`: the newest events, oldest of them first.
    struct Tail: AsyncParsableCommand, LoggedCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest events, oldest first.")
        @OptionGroup var logging: LogOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions
        @Option(name: [.customShort("n"), .long], help: "How many events.") var count = 10
        @Option(help: "jsonl (canonical envelopes) or table (one short line per event).") var format = EventFormat.jsonl

        func run() async throws {
            guard count >= 0 else { throw ValidationError("--count: must be 0 or more, got \(count)") }
            try await reportingErrors {
                try await data.withLog { log in
                    let events = try await log.withSnapshot { snapshot in
                        var events: [Envelope] = []
                        try snapshot.scan(try filters.query(in: snapshot, newestFirst: true, limit: count)) {
                            events.append($0)
                            return true
                        }
                        return events
                    }
                    format.printHeader()
                    for event in events.reversed() { format.print(event) }
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
        @Option(help: "jsonl (canonical envelopes) or table (one short line per event).") var format = EventFormat.jsonl

        func run() async throws {
            try await reportingErrors {
                try await data.withLog { log in
                    try await log.withSnapshot { snapshot in
                        var query = try filters.query(in: snapshot, limit: limit)
                        query.afterSeq = max(query.afterSeq, after)
                        format.printHeader()
                        try snapshot.scan(query) {
                            format.print($0)
                            return true
                        }
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

/// How the `events` commands print events.
enum EventFormat: String, ExpressibleByArgument, CaseIterable {
    /// The canonical JSON envelope, one per line: the bytes the hash covers.
    case jsonl
    /// One short aligned line per event, for a person at a terminal.
    case table

    func printHeader() {
        if self == .table { DialerLedgerCLI.print(Self.row("SEQ", "RECORDED_AT", "TYPE", "STREAM", "IDEMPOTENCY_KEY")) }
    }

    func print(_ event: Envelope) {
        switch self {
        case .jsonl: DialerLedgerCLI.print(event.jsonLine)
        case .table:
            DialerLedgerCLI.print(
                Self.row(
                    String(event.seq), event.recordedAt.rfc3339, event.type, event.stream, event.idempotencyKey ?? "-"))
        }
    }

    private static func row(_ cells: String...) -> String {
        let widths = [7, 25, 28, 46]
        return zip(cells, widths + [0]).map { cell, width in
            cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
        }.joined().trimmingCharacters(in: .whitespaces)
    }
}
