import Foundation

/// Turns a cron expression and a contact list into calling windows: the expression is read in each
/// contact's own time zone (`0 9 * * 1-5` is 9:00 local wherever the contact lives), contacts are grouped
/// by zone, and each zone gets one window per fire time, `windowLength` long and clipped to that zone's
/// calling hours. Daylight saving follows the cron rules (a 02:30 start on a spring-forward day moves to the
/// end of the gap), so a window never starts at a local time that does not exist. Pure: `now` is passed in.
public struct SchedulePlanner: Sendable {
    public var expression: String
    /// The seed's 4 hours.
    public var windowLength: Duration = .seconds(4 * 3_600)
    public var callingHours: CallingHours = .standard
    /// Calling hours of particular zones, by IANA name.
    public var callingHoursByZone: [String: CallingHours] = [:]
    /// Fire times planned per zone.
    public var fires = 1
    public var dst: CronSchedule.DSTPolicy = .wallClock

    /// A planner for `expression`; throws naming `cron` when it cannot be read, or when it names its own
    /// zone (`CRON_TZ=`), which would put every contact on one zone's clock.
    public init(expression: String) throws {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("CRON_TZ="), !trimmed.hasPrefix("TZ=") else {
            throw DialerCoreError.invalidField(
                field: "cron",
                reason: "is read in each contact's own time zone, so it must not name one (remove the TZ= prefix)")
        }
        _ = try CronSchedule(parsing: trimmed, timeZone: .gmt)
        self.expression = trimmed
    }

    /// What the plan holds: the windows to submit and the fire times that fell outside calling hours.
    public struct Plan: Sendable, Hashable {
        public var windows: [ScheduleWindow]
        public var outside: [OutsideCallingHours]
    }

    /// The windows of `campaignID` for `contacts`, for the next `fires` fire times after `now` in each zone.
    public func plan(campaignID: String, contacts: ContactList, after now: Timestamp) throws -> Plan {
        guard (1...100).contains(fires) else {
            throw DialerCoreError.invalidField(field: "fires", reason: "must be 1 to 100, got \(fires)")
        }
        let length = windowLength.milliseconds
        guard length >= 60_000, length <= 86_400_000 else {
            throw DialerCoreError.invalidField(field: "window", reason: "must be 1 minute to 24 hours")
        }
        var windows: [ScheduleWindow] = []
        var outside: [OutsideCallingHours] = []
        for (zoneName, members) in contacts.byTimeZone {
            guard let zone = TimeZone(identifier: zoneName) else {
                throw DialerCoreError.invalidField(
                    field: "timezone", reason: "\"\(zoneName)\" is not an IANA time zone")
            }
            let schedule = try CronSchedule(parsing: expression, timeZone: zone, dst: dst)
            let hours = callingHoursByZone[zoneName] ?? callingHours
            let ids = members.map(\.id)
            var after = now
            for _ in 0..<fires {
                guard let fire = schedule.next(after: after) else { break }
                after = fire
                let end = Timestamp(milliseconds: fire.milliseconds + length)
                if let (start, stop) = Self.clip(fire, end, to: hours, in: zone) {
                    windows.append(
                        ScheduleWindow(
                            campaignID: campaignID, timeZone: zoneName, fireTime: fire, start: start, end: stop,
                            clipped: start != fire || stop != end, contactIDs: ids))
                } else {
                    outside.append(
                        OutsideCallingHours(
                            timeZone: zoneName, fireTime: fire, contactIDs: ids, callingHours: hours.description))
                }
            }
        }
        return Plan(windows: windows, outside: outside)
    }

    /// The first part of [start, end) inside calling hours (of the start's local day or the next), if any.
    static func clip(_ start: Timestamp, _ end: Timestamp, to hours: CallingHours, in zone: TimeZone)
        -> (Timestamp, Timestamp)?
    {
        for period in hours.periods(from: start, in: zone) {
            let from = max(start, period.start)
            let to = min(end, period.end)
            if from < to { return (from, to) }
        }
        return nil
    }
}
