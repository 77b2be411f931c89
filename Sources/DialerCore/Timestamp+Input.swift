import Foundation

extension Timestamp {
    /// 9999-12-31T23:59:59.999Z: the last instant with a four-digit year, the latest one input may name
    /// and the latest a cron schedule answers.
    public static let latest = Timestamp(milliseconds: days(fromCivil: 10_000, 1, 1) * 86_400_000 - 1)

    /// The years a typed date may name: Foundation's calendar is Julian before 1583 (so an earlier date
    /// would be moved), and five-digit years have no RFC 3339 form.
    public static let typedYears: ClosedRange<Int64> = 1583...9999

    /// Reads an instant a person typed, the one grammar of every option that takes one: RFC 3339
    /// (`2026-03-08T02:30:00-05:00`; `Z` or an offset; a fraction kept to the millisecond) or a date
    /// `YYYY-MM-DD`, the first instant of that day in `zone` (its midnight, or the end of a daylight-saving
    /// gap that skips midnight). Nothing is moved: a month, day, hour, minute, second or offset out of
    /// range is refused naming it, and so are a leap second (`:60`, which the log's clock never shows), a
    /// year outside 1583-9999 and an instant after 9999-12-31T23:59:59.999Z. `field` names the input in
    /// errors.
    public init(parsing text: String, in zone: TimeZone, field: String) throws {
        func refuse(_ reason: String) -> DialerCoreError {
            .invalidField(field: field, reason: "\"\(text)\" \(reason)")
        }
        var utf8 = text
        guard let written = utf8.withUTF8({ WrittenInstant($0) }) else {
            throw refuse("is neither an RFC 3339 instant nor a YYYY-MM-DD date")
        }
        let time = written.time
        switch written.rangeProblem {
        case .month?: throw refuse("has month \(written.month), not 1-12")
        case .day?:
            let last = Self.daysIn(month: written.month, year: written.year)
            throw refuse("has day \(written.day), not 1-\(last) in \(text.prefix(7))")
        case .hour?: throw refuse("has hour \(time?.hour ?? 0), not 0-23")
        case .minute?: throw refuse("has minute \(time?.minute ?? 0), not 0-59")
        case .second?: throw refuse("has second \(time?.second ?? 0), not 0-59")
        case .offset?: throw refuse("has offset \(text.suffix(6)), not -23:59 to +23:59")
        case nil: break
        }
        guard time?.second != 60 else { throw refuse("is a leap second (:60), which is not accepted") }
        guard Self.typedYears.contains(written.year) else {
            throw refuse("has year \(text.prefix(4)), not \(Self.typedYears.lowerBound)-\(Self.typedYears.upperBound)")
        }
        if time != nil {
            self = written.timestamp
        } else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let components = DateComponents(year: Int(written.year), month: Int(written.month), day: Int(written.day))
            guard let midnight = calendar.date(from: components) else {
                throw refuse("has no midnight in \(zone.identifier)")
            }
            self = Timestamp(midnight)
        }
        guard self <= Self.latest else { throw refuse("is after 9999-12-31T23:59:59.999Z") }
    }
}
