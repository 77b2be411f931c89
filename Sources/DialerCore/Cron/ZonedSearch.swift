import Foundation

/// Finds the next firing instant of five cron fields in a zone, one stretch of constant UTC offset at a
/// time: within a stretch local time runs evenly, so the first matching wall time is the first instant.
/// Skipped local times lie between stretches (a gap) and repeated ones at the start of a stretch after
/// the offset falls (an overlap); the DST policy decides what fixed-time jobs do there (ISC cron's rule).
struct ZonedSearch {
    /// How far ahead to look: eight years, so 29 February is found across a skipped leap year (2100).
    static let horizon: Int64 = 8 * 366 * 86_400

    let fields: CronFields
    let zone: TimeZone
    /// ISC cron's daylight-saving rule applies: `.wallClock` and a fixed-time job.
    let followsISC: Bool

    init(fields: CronFields, zone: TimeZone, dst: CronSchedule.DSTPolicy) {
        self.fields = fields
        self.zone = zone
        self.followsISC = dst == .wallClock && fields.isFixedTime
    }

    /// The first firing instant strictly after `instant`; nil outside the years 1-9999.
    func next(after instant: Timestamp) -> Timestamp? {
        let current = instant.milliseconds.floorDivided(by: 1000).quotient
        guard (-62_135_596_800..<253_402_300_800).contains(current) else { return nil }
        // Candidates are whole seconds at or after `earliest`; the stretch containing the second before
        // it is searched first, so a transition at `earliest` itself is crossed below.
        let earliest = current + 1
        let limit = earliest + Self.horizon
        var offset = offsetAt(current)
        var floor = earliest + offset
        var end = transition(after: current - 2 * 86_400)
        while let start = end, start <= current {
            let before = offsetAt(start - 1)
            if skipsRepeat(from: before, to: offsetAt(start)) { floor = Swift.max(floor, start + before) }
            end = transition(after: start)
        }
        while true {
            let stop = Swift.min(end ?? limit, limit)
            if let local = fields.firstMatch(from: floor, before: stop + offset) {
                return Timestamp(milliseconds: (local - offset) * 1000)
            }
            guard let change = end, change < limit else { return nil }
            let after = offsetAt(change)
            if catchesUp(from: offset, to: after),
                fields.firstMatch(from: change + offset, before: change + after) != nil
            {
                return Timestamp(milliseconds: change * 1000)  // every skipped time fires once, here
            }
            // After a fall-back the repeated wall times are second occurrences: fixed-time jobs skip them.
            floor = change + (skipsRepeat(from: offset, to: after) ? offset : after)
            offset = after
            end = transition(after: change)
        }
    }

    // ISC cron (cron.c) wakes each minute and compares the wall clock with the minute it last handled.
    // A jump forward of under 180 minutes runs the fixed-time jobs of every skipped minute at once; a
    // jump back of up to 181 minutes holds them until the wall clock passes the last handled minute
    // again. Larger jumps are clock corrections: the new wall time holds at once, so skipped times never
    // fire and repeated ones fire again, as for wildcard jobs.

    /// Whether the wall times an offset change from `before` to `after` skips fire once at its end.
    private func catchesUp(from before: Int64, to after: Int64) -> Bool {
        followsISC && after > before && after - before < 3 * 3600
    }

    /// Whether the wall times an offset change from `before` to `after` repeats fire only the first time.
    private func skipsRepeat(from before: Int64, to after: Int64) -> Bool {
        followsISC && before > after && before - after <= 3 * 3600 + 60
    }

    /// Seconds east of UTC at `second`.
    private func offsetAt(_ second: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    /// The first offset change strictly after `second`, if the zone has one.
    private func transition(after second: Int64) -> Int64? {
        zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(second)))
            .map { Int64($0.timeIntervalSince1970.rounded(.up)) }  // always past `second`
    }
}
