import Foundation

/// A cron expression read in a time zone, answering "when does it fire next?".
///
/// The grammar is robfig/cron v3's standard parser (the seed's library): five fields (minute, hour,
/// day of month, month, day of week) with `*`, `?`, ranges, steps, lists and the names `JAN`-`DEC` and
/// `SUN`-`SAT` (and 7, another Sunday); `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
/// `@midnight`, `@hourly`; `@every <Go duration>`; and a `CRON_TZ=Zone ` or `TZ=Zone ` prefix that
/// overrides the zone passed in. When both day fields are restricted, a day matches if either does; as in
/// robfig v3, a field is unrestricted only if an item is `*` or `?` without a step above 1 (`*/2` restricts).
///
/// Times are local wall-clock times in the zone. Where daylight saving time skips or repeats them:
/// - `.wallClock` (the default) follows ISC (Vixie) cron. A fixed-time job, one whose minute and hour
///   fields do not start with `*` (`30 2 * * *`, `15,45 1 * * *`, `0 1-3 * * *`, `@daily`), fires once
///   at the end of a spring-forward gap for the times the gap skips (several skipped times still fire
///   once), and in a fall-back overlap only at the first occurrence of each repeated time. Wildcard jobs
///   (`*/15 * * * *`, `0 * * * *`, `@hourly`) follow the wall clock: a skipped time does not fire and a
///   repeated one fires at both instants. As in ISC cron, an offset change of three hours or more is a
///   clock correction, not daylight saving time: every job then follows the wall clock.
/// - `.literal` (robfig's reading): a local time in a gap does not fire at all; a repeated one fires at
///   both occurrences, whatever the job.
///
/// Parsing refuses what robfig refuses (a step that overflows, a descriptor not in lower case) and day
/// and month fields no date meets (`0 0 30 2 *`), which robfig accepts and never fires.
///
/// `@every` ignores the zone: it fires at the input rounded down to the second plus the duration.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// How local times that daylight saving time skips or repeats are treated.
    public enum DSTPolicy: String, Sendable, Hashable, CaseIterable {
        /// Fixed-time jobs fire once, after a gap or at the first of two occurrences (ISC/Vixie cron).
        case wallClock = "wall-clock"
        /// A skipped time never fires; a repeated time fires twice (robfig/cron).
        case literal
    }

    /// What a parsed expression fires on.
    enum Rule: Sendable, Hashable {
        /// Local times matching the five fields.
        case fields(CronFields)
        /// Every `seconds` after the instant asked about, rounded down to the second.
        case every(seconds: Int64)
    }

    /// The expression as written, prefix included.
    public let expression: String
    /// The zone local times are read in: the expression's `CRON_TZ=` zone, else the one passed in.
    public let timeZone: TimeZone
    /// How skipped and repeated local times are treated.
    public let dst: DSTPolicy
    let rule: Rule

    /// Parses `expression`, read in `timeZone` unless it names its own zone with `CRON_TZ=` or `TZ=`.
    public init(parsing expression: String, timeZone: TimeZone, dst: DSTPolicy = .wallClock) throws {
        let parsed = try Self.parse(expression)
        self.expression = expression
        self.timeZone = parsed.zone ?? timeZone
        self.dst = dst
        self.rule = parsed.rule
    }

    /// The first firing time strictly after `instant`. Nil if none comes within eight years (29 February
    /// across 2100), if a five-field schedule is asked about an instant outside the years 1-9999, or if
    /// the answer would fall after the year 9999.
    public func next(after instant: Timestamp) -> Timestamp? {
        let fire: Timestamp?
        switch rule {
        case .every(let seconds):
            let second = instant.milliseconds.floorDivided(by: 1000).quotient
            let (milliseconds, overflow) = (second + seconds).multipliedReportingOverflow(by: 1000)
            fire = overflow ? nil : Timestamp(milliseconds: milliseconds)
        case .fields(let fields):
            fire = ZonedSearch(fields: fields, zone: timeZone, dst: dst).next(after: instant)
        }
        return fire.flatMap { $0 <= Timestamp.latest ? $0 : nil }
    }

    public var description: String { expression }
}
