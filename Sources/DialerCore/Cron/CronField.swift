/// One field of the five: its name in errors, its bounds and its names.
struct CronField: Sendable {
    /// The name errors use.
    let name: String
    /// The smallest value.
    let min: Int
    /// The largest value `*` and `a/n` reach.
    let max: Int
    /// The largest value accepted (7, another Sunday, for the day of week).
    let limit: Int
    /// Lowercased names of the values from `min` on, if the field has names.
    let names: [String]
    /// What a value must be, for errors.
    let expected: String

    static let minute = CronField(name: "minute", min: 0, max: 59, limit: 59, names: [], expected: "a number")
    static let hour = CronField(name: "hour", min: 0, max: 23, limit: 23, names: [], expected: "a number")
    static let dayOfMonth = CronField(
        name: "day-of-month", min: 1, max: 31, limit: 31, names: [], expected: "a number")
    static let month = CronField(
        name: "month", min: 1, max: 12, limit: 12,
        names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        expected: "a month (1-12 or JAN-DEC)")
    static let dayOfWeek = CronField(
        name: "day-of-week", min: 0, max: 6, limit: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
        expected: "a weekday (0-7 or SUN-SAT)")

    /// Parses a list of values, ranges and steps into a bit set; `isStar` when an item is an unstepped
    /// `*` or `?` (robfig v3 drops the star bit for a step above 1).
    func parse(_ text: Substring) throws -> (bits: UInt64, isStar: Bool) {
        var bits: UInt64 = 0
        var isStar = false
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw invalid("\"\(text)\" has an empty list item") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("\"\(item)\" is not a value, range or step") }
            var low: Int
            var high: Int
            var star = false
            if parts[0] == "*" || parts[0] == "?" {
                (low, high, star) = (min, max, true)
            } else {
                let ends = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2, !ends.contains(where: { $0.isEmpty || $0 == "*" || $0 == "?" }) else {
                    throw invalid("\"\(item)\" is not a value, range or step")
                }
                low = try value(ends[0])
                high = ends.count == 2 ? try value(ends[1]) : low
                if parts.count == 2 && ends.count == 1 { high = Swift.max(max, low) }  // a/n means a-max/n
            }
            var step = 1
            if parts.count == 2 {
                guard !parts[1].isEmpty, parts[1].allSatisfy(\.isPlainDigit) else {
                    throw invalid("step \"\(parts[1])\" in \"\(item)\" is not a number")
                }
                // robfig reads the step as a Go int: one that overflows is refused, a large one gives the start.
                guard let parsed = Int(parts[1]) else {
                    throw invalid("step \"\(parts[1])\" in \"\(item)\" is too large")
                }
                step = Swift.min(parsed, 64)
                guard step > 0 else { throw invalid("step in \"\(item)\" must be at least 1") }
                if step > 1 { star = false }
            }
            guard low <= high else { throw invalid("\"\(parts[0])\" starts after it ends") }
            for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
            isStar = isStar || star
        }
        return (bits, isStar)
    }

    private func value(_ text: Substring) throws -> Int {
        if let index = names.firstIndex(of: text.lowercased()) { return min + index }
        guard text.allSatisfy(\.isPlainDigit) else { throw invalid("\"\(text)\" is not \(expected)") }
        guard let number = Int(text), (min...limit).contains(number) else {
            throw invalid("\"\(text)\" is out of range \(min)-\(limit)")
        }
        return number
    }

    private func invalid(_ reason: String) -> DialerCoreError {
        DialerCoreError.invalidField(field: name, reason: reason)
    }
}

extension Character {
    /// An ASCII digit 0-9 (not any Unicode number).
    fileprivate var isPlainDigit: Bool { isASCII && isWholeNumber }
}
