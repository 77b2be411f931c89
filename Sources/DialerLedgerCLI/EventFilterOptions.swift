import ArgumentParser
import DialerCore

/// Filters shared by the `events` subcommands.
struct EventFilterOptions: ParsableArguments {
    @Option(help: "Only events of this stream, such as campaign:C1.")
    var stream: String?

    @Option(help: "Only events of this type, such as MetricPageFetched.")
    var type: String?

    @Option(help: ArgumentHelp("Only events recorded at or after (a date: midnight UTC).", valueName: "INSTANT|DATE"))
    var from: String?

    @Option(help: ArgumentHelp("Only events recorded before (a date: midnight UTC).", valueName: "INSTANT|DATE"))
    var to: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Read the log as it was at seq:N or at an instant (a date: midnight UTC).", valueName: "POINT"))
    var asOf: String?

    /// Whether the filters end the range (`--to`, `--as-of`), so there is nothing to follow.
    var endsTheRange: Bool { to != nil || asOf != nil }

    /// The query these filters describe, with time bounds resolved to sequence bounds in `snapshot`
    /// (recorded time never decreases along the log, so a time range is a sequence range).
    func query(in snapshot: any EventSnapshot, newestFirst: Bool = false, limit: Int? = nil) throws -> EventQuery {
        if let type, !RecordedEvents.storedTypes.contains(type) {
            throw DialerCoreError.invalidField(
                field: "--type",
                reason: "\"\(type)\" is not an event type; known: \(RecordedEvents.storedTypes.joined(separator: ", "))"
            )
        }
        var query = EventQuery(stream: stream, type: type, newestFirst: newestFirst, limit: limit)
        if let asOf {
            query.throughSeq = try AsOf(parsing: asOf, field: "--as-of").resolve(in: snapshot)
        }
        if let to {
            let instant = try Timestamp(parsing: to, in: .gmt, field: "--to")
            query.throughSeq = min(
                query.throughSeq,
                try snapshot.lastSequence(recordedAtOrBefore: Timestamp(milliseconds: instant.milliseconds - 1)))
        }
        if let from {
            let instant = try Timestamp(parsing: from, in: .gmt, field: "--from")
            query.afterSeq = try snapshot.lastSequence(
                recordedAtOrBefore: Timestamp(milliseconds: instant.milliseconds - 1))
        }
        return query
    }
}
