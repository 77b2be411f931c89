extension CronFields {
    /// The first matching local wall time, in seconds since 1970-01-01T00:00 local, at or after `start`
    /// and before `end`. Months that cannot match are skipped whole, so a yearly search is a few steps.
    func firstMatch(from start: Int64, before end: Int64) -> Int64? {
        guard start < end else { return nil }
        var (day, secondOfDay) = start.floorDivided(by: 86_400)
        var minuteOfDay = (secondOfDay + 59) / 60
        let lastDay = (end - 1).floorDivided(by: 86_400).quotient
        var (year, month, dayOfMonth) = Timestamp.civil(fromDays: day)
        while day <= lastDay {
            guard months >> month & 1 == 1, dayOfMonth <= Timestamp.daysIn(month: month, year: year) else {
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
                dayOfMonth = 1
                day = Timestamp.days(fromCivil: year, month, 1)
                minuteOfDay = 0
                continue
            }
            let weekday = (day + 4).floorDivided(by: 7).remainder  // 1970-01-01 was a Thursday
            if matchesDay(dayOfMonth: dayOfMonth, weekday: weekday), let minute = firstTime(from: minuteOfDay) {
                let local = day * 86_400 + minute * 60
                return local < end ? local : nil
            }
            day += 1
            dayOfMonth += 1
            minuteOfDay = 0
        }
        return nil
    }

    /// The first matching minute of the day at or after `minuteOfDay`, if any.
    private func firstTime(from minuteOfDay: Int64) -> Int64? {
        let hour = minuteOfDay / 60
        if hour >= 24 { return nil }
        if hours >> hour & 1 == 1, let minute = Self.lowestBit(of: minutes, from: minuteOfDay % 60) {
            return hour * 60 + minute
        }
        guard let later = Self.lowestBit(of: hours, from: hour + 1) else { return nil }
        return later * 60 + Int64(minutes.trailingZeroBitCount)
    }

    private static func lowestBit(of bits: UInt64, from index: Int64) -> Int64? {
        guard index < 64 else { return nil }
        let rest = bits & (UInt64.max << UInt64(index))
        return rest == 0 ? nil : Int64(rest.trailingZeroBitCount)
    }
}
