/// The five fields of a cron expression as bit sets of the values they allow.
struct CronFields: Sendable, Hashable {
    /// Bit `m` is set when minute `m` (0-59) matches.
    var minutes: UInt64
    /// Bit `h` is set when hour `h` (0-23) matches.
    var hours: UInt64
    /// Bit `d` is set when day of month `d` (1-31) matches.
    var daysOfMonth: UInt64
    /// Bit `m` is set when month `m` (1-12) matches.
    var months: UInt64
    /// Bit `w` is set when weekday `w` (0 = Sunday … 6) matches.
    var daysOfWeek: UInt64
    /// Day of month was written with an unstepped `*` or `?` (robfig's star bit).
    var dayOfMonthIsStar: Bool
    /// Day of week was written with an unstepped `*` or `?` (robfig's star bit).
    var dayOfWeekIsStar: Bool
    /// Neither the minute nor the hour field starts with `*` or `?`: ISC cron's fixed-time job, which runs
    /// once when daylight saving time repeats or skips its time (lists and ranges count as fixed).
    var isFixedTime: Bool

    /// Parses five whitespace-separated fields.
    init(parsing text: Substring) throws {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 5 else {
            throw DialerCoreError.invalidField(field: "expression", reason: "expected 5 fields, got \(fields.count)")
        }
        minutes = try CronField.minute.parse(fields[0]).bits
        hours = try CronField.hour.parse(fields[1]).bits
        let dayOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3]).bits
        let dayOfWeek = try CronField.dayOfWeek.parse(fields[4])
        daysOfMonth = dayOfMonth.bits
        dayOfMonthIsStar = dayOfMonth.isStar
        // 7 is another Sunday.
        daysOfWeek = (dayOfWeek.bits & 0x7F) | (dayOfWeek.bits >> 7 & 1)
        dayOfWeekIsStar = dayOfWeek.isStar
        isFixedTime = !fields[0...1].contains { $0.hasPrefix("*") || $0.hasPrefix("?") }
        try requireSomeDate(dayOfMonth: fields[2], month: fields[3])
    }

    /// Refuses day and month fields that no calendar date meets (`0 0 30 2 *`), which robfig accepts and
    /// then never fires. Only those fields can empty a schedule; February counts its leap day, so the
    /// check is exact: a schedule that passes fires within a year, or on the next 29 February (within eight years).
    private func requireSomeDate(dayOfMonth: Substring, month: Substring) throws {
        // Either day field a star: both must match, and a weekday comes every week, so only the days of
        // the month can miss. Neither a star: either may match, and the weekday does.
        guard dayOfWeekIsStar, !dayOfMonthIsStar else { return }
        let longest: [Int] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let someMonthHasADay = (1...12).contains { month in
            months >> month & 1 == 1 && daysOfMonth & (UInt64(1) << (longest[month - 1] + 1) - 1) != 0
        }
        guard someMonthHasADay else {
            throw DialerCoreError.invalidField(
                field: "day-of-month",
                reason: "\"\(dayOfMonth)\" never falls in month \"\(month)\", so the schedule never fires")
        }
    }

    /// Whether a day matches: both day fields when either is a star, else either of them.
    func matchesDay(dayOfMonth: Int64, weekday: Int64) -> Bool {
        let domMatch = daysOfMonth >> dayOfMonth & 1 == 1
        let dowMatch = daysOfWeek >> weekday & 1 == 1
        return dayOfMonthIsStar || dayOfWeekIsStar ? domMatch && dowMatch : domMatch || dowMatch
    }
}
