import Foundation

/// The local hours when calls are allowed, as minutes of the day: 08:00–21:00 by default (the common
/// TCPA-style window); configurable per time zone.
public struct CallingHours: Sendable, Hashable, CustomStringConvertible {
    /// First allowed minute of the day (480 is 08:00).
    public var startMinute: Int
    /// First minute no longer allowed (1260 is 21:00).
    public var endMinute: Int

    /// 08:00–21:00.
    public static let standard = CallingHours(checkedStart: 480, end: 1260)

    private init(checkedStart: Int, end: Int) {
        startMinute = checkedStart
        endMinute = end
    }

    /// Hours from `HH:MM` texts; throws naming `field` when they are not times or the end is not after the start.
    public init(start: String, end: String, field: String = "calling_hours") throws {
        func minutes(_ text: String) throws -> Int {
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
                hour * 60 + minute <= 1440
            else { throw DialerCoreError.invalidField(field: field, reason: "\"\(text)\" is not a time like 08:00") }
            return hour * 60 + minute
        }
        let (first, last) = (try minutes(start), try minutes(end))
        guard last > first else {
            throw DialerCoreError.invalidField(field: field, reason: "the end \(end) must be after the start \(start)")
        }
        self.init(checkedStart: first, end: last)
    }

    public var description: String {
        String(format: "%02d:%02d–%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60)
    }

    /// The allowed period of the local day that holds `instant`, and of the day after, in `zone`.
    func periods(from instant: Timestamp, in zone: TimeZone) -> [(start: Timestamp, end: Timestamp)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
        return (0..<2).compactMap { offset in
            guard let date = calendar.date(byAdding: .day, value: offset, to: day),
                let start = Self.local(startMinute, on: date, calendar),
                let end = Self.local(endMinute, on: date, calendar)
            else { return nil }
            return (Timestamp(start), Timestamp(end))
        }
    }

    /// `minute` of the local day `day` (the next existing time when daylight saving skips it).
    private static func local(_ minute: Int, on day: Date, _ calendar: Calendar) -> Date? {
        if minute == 1440 { return calendar.date(byAdding: .day, value: 1, to: day) }
        return calendar.date(
            bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day, matchingPolicy: .nextTime)
    }
}
