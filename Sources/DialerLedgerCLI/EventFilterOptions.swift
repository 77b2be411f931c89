import ArgumentParser
import DialerCore

/// Filters shared by the `events` subcommands.
struct EventFilterOptions: ParsableArguments {
    @Option(help: "Only events of this stream, such as campaign:C1.")
    var stream: String?

    @Option(help: "Only events of this type, such as MetricPageFetched.")
    var type: String?

    @Option(
        help: ArgumentHelp(
            "Only events recorded at or after this instant (a date: midnight UTC).", valueName: "INSTANT|DATE"))
    var since: String?

    @Option(
        help: ArgumentHelp(
            "Only events recorded at or before this instant (a date: midnight UTC).", valueName: "INSTANT|DATE"))
    var until: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Read the log as it was at seq:N or at an instant (a date: midnight UTC).", valueName: "POINT"))
    var asOf: String?

    /// The query these filters describe, with time bounds resolved to sequence bounds in `snapshot`
    /// (recorded time never decreases along the log, so a time range is a sequence range).
    func query(in snapshot: any EventSnapshot, newestFirst: Bool = false, limit: Int? = nil) throws -> EventQuery {
        var query = EventQuery(stream: stream, type: type, newestFirst: newestFirst, limit: limit)
        if let asOf {
            query.throughSeq = try AsOf(parsing: asOf, field: "--as-of").resolve(in: snapshot)
        }
        if let until {
            let instant = try Timestamp(parsing: until, in: .gmt, field: "--until")
            query.throughSeq = min(query.throughSeq, try snapshot.lastSequence(recordedAtOrBefore: instant))
        }
        if let since {
            let instant = try Timestamp(parsing: since, in: .gmt, field: "--since")
            query.afterSeq = try snapshot.lastSequence(
                recordedAtOrBefore: Timestamp(milliseconds: instant.milliseconds - 1))
        }
        return query
    }
}
