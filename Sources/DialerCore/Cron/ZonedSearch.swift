import Foundation

/// Finds the next firing instant of five cron fields in a zone, one stretch of constant UTC offset at a
/// time: within a stretch local time runs evenly, so the first matching wall time is the first instant.
/// Skipped local times lie between stretches (a gap) and repeated ones at the start of a stretch after
/// the offset falls (an overlap); the DST policy decides what fixed-time jobs do there.
struct ZonedSearch {
    /// How far ahead to look: eight years, so 29 February is found across a skipped leap year (2100).
    static let horizon: Int64 = 8 * 366 * 86_400

    let fields: CronFields
    let zone: TimeZone
    /// Fixed-time jobs fire once at a gap's end and once in an overlap (`.wallClock`).
    let firesOnce: Bool

    init(fields: CronFields, zone: TimeZone, dst: CronSchedule.DSTPolicy) {
        self.fields = fields
        self.zone = zone
        self.firesOnce = dst == .wallClock && fields.isFixedTime
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
            if firesOnce && before > offset { floor = Swift.max(floor, start + before) }
            end = transition(after: start)
        }
        while true {
            let stop = Swift.min(end ?? limit, limit)
            if let local = fields.firstMatch(from: floor, before: stop + offset) {
                return Timestamp(milliseconds: (local - offset) * 1000)
            }
            guard let change = end, change < limit else { return nil }
            let after = offsetAt(change)
            if firesOnce && after > offset, fields.firstMatch(from: change + offset, before: change + after) != nil {
                return Timestamp(milliseconds: change * 1000)
            }
            // After a fall-back the repeated wall times are second occurrences: fixed-time jobs skip them.
            floor = change + (firesOnce ? Swift.max(offset, after) : after)
            offset = after
            end = transition(after: change)
        }
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
