/// The numbers of an RFC 3339 date-time, or of a date `YYYY-MM-DD`, as written: the shape is checked on
/// reading, the ranges by `rangeProblem`, so stored instants and typed ones share one grammar.
struct WrittenInstant {
    /// The time of day and offset of a date-time.
    struct Time {
        var hour: Int64
        var minute: Int64
        var second: Int64
        var millisecond: Int64
        /// The offset's sign (+1 or -1), hours and minutes as written; `Z` is +00:00.
        var offsetSign: Int64
        var offsetHours: Int64
        var offsetMinutes: Int64
    }

    /// The first number out of its range.
    enum RangeProblem: Equatable {
        case month, day, hour, minute, second, offset
    }

    var year: Int64
    var month: Int64
    var day: Int64
    /// Nil for a date alone.
    var time: Time?

    /// Reads the shape: `YYYY-MM-DD`, optionally followed by `T` (or `t` or a space), `HH:MM:SS`, an
    /// optional fraction and `Z` or `±HH:MM`. Nil when the text has another shape.
    init?(_ b: UnsafeBufferPointer<UInt8>) {
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let year = number(0..<4), let month = number(5..<7),
            let day = number(8..<10)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
        guard b.count > 10 else {
            time = nil
            return
        }
        guard b.count >= 20, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if b[index] == 0x2E {
            index += 1
            var digits = 0
            while index < b.count, (48...57).contains(b[index]) {
                if digits < 3 { millis = millis * 10 + Int64(b[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        guard index < b.count else { return nil }
        var offset: (sign: Int64, hours: Int64, minutes: Int64) = (1, 0, 0)
        switch b[index] {
        case 0x5A, 0x7A:
            index += 1
        case 0x2B, 0x2D:
            guard b.count == index + 6, b[index + 3] == 0x3A, let hours = number(index + 1..<index + 3),
                let minutes = number(index + 4..<index + 6)
            else { return nil }
            offset = (b[index] == 0x2D ? -1 : 1, hours, minutes)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        time = Time(
            hour: hour, minute: minute, second: second, millisecond: millis, offsetSign: offset.sign,
            offsetHours: offset.hours, offsetMinutes: offset.minutes)
    }

    /// The first number outside RFC 3339's ranges, if any; second 60 (a leap second) is within them.
    var rangeProblem: RangeProblem? {
        guard (1...12).contains(month) else { return .month }
        guard day >= 1, day <= Timestamp.daysIn(month: month, year: year) else { return .day }
        guard let time else { return nil }
        guard time.hour < 24 else { return .hour }
        guard time.minute < 60 else { return .minute }
        guard time.second < 61 else { return .second }
        guard time.offsetHours < 24, time.offsetMinutes < 60 else { return .offset }
        return nil
    }

    /// The instant written, once the ranges are checked; a leap second counts as the second before it,
    /// and a date alone as its midnight in UTC.
    var timestamp: Timestamp {
        let days = Timestamp.days(fromCivil: year, month, day)
        guard let time else { return Timestamp(milliseconds: days * 86_400_000) }
        let offset = time.offsetSign * (time.offsetHours * 60 + time.offsetMinutes)
        let seconds = days * 86_400 + time.hour * 3600 + time.minute * 60 + min(time.second, 59) - offset * 60
        return Timestamp(milliseconds: seconds * 1000 + time.millisecond)
    }
}
