import ArgumentParser
import DialerCore
import EventLog

/// `dialer-ledger events`: look into a log, one canonical JSON envelope per line.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Look into the event log (output: one canonical JSON envelope per line).",
        subcommands: [Tail.self, List.self, Show.self, Count.self]
    )

    /// `events tail`: the newest events, oldest of them first.
    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest events, oldest first.")
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions
        @Option(name: [.customShort("n"), .long], help: "How many events.") var count = 10

        func run() throws {
            guard count >= 0 else { throw ValidationError("--count: must be 0 or more, got \(count)") }
            try reportingErrors {
                let log = try data.openLog(.readOnly)
                let lines = try log.withSnapshot { snapshot in
                    var lines: [String] = []
                    try snapshot.scan(try filters.query(in: snapshot, newestFirst: true, limit: count)) {
                        lines.append($0.jsonLine)
                        return true
                    }
                    return lines
                }
                for line in lines.reversed() { print(line) }
            }
        }
    }

    /// `events list`: events oldest first, from a sequence on.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print events oldest first.")
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions
        @Option(help: "Start after this sequence.") var after: UInt64 = 0
        @Option(help: "At most this many events.") var limit: Int?

        func run() throws {
            try reportingErrors {
                let log = try data.openLog(.readOnly)
                try log.withSnapshot { snapshot in
                    var query = try filters.query(in: snapshot, limit: limit)
                    query.afterSeq = max(query.afterSeq, after)
                    try snapshot.scan(query) {
                        print($0.jsonLine)
                        return true
                    }
                }
            }
        }
    }

    /// `events show SEQ`: one event.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the event at a sequence number.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The sequence number.") var seq: UInt64

        func run() throws {
            try reportingErrors {
                let log = try data.openLog(.readOnly)
                guard let envelope = try log.envelope(at: seq) else {
                    throw DialerCoreError.invalidField(
                        field: "SEQ", reason: "no event \(seq); the log holds 1…\(try log.lastSequence())")
                }
                print(envelope.jsonLine)
            }
        }
    }

    /// `events count`: how many events match.
    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the events that match the filters.")
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: EventFilterOptions

        func run() throws {
            try reportingErrors {
                let log = try data.openLog(.readOnly)
                let total = try log.withSnapshot { snapshot in
                    let query = try filters.query(in: snapshot)
                    if query.stream == nil, query.type == nil {
                        let through = min(query.throughSeq, try snapshot.lastSequence())
                        return through > query.afterSeq ? through - query.afterSeq : 0
                    }
                    var counted: UInt64 = 0
                    try snapshot.scan(query) { _ in
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
