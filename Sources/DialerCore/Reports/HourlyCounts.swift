/// One hour's call counts (numbers, since filled hours may be fractional, as in the seed).
public struct HourCounts: Sendable, Hashable {
    /// Calls dialled.
    public var attempted: Double
    /// Calls answered by a live person.
    public var connected: Double
    /// Calls answered but dropped before an agent took them.
    public var abandoned: Double

    /// Counts with every field given.
    public init(attempted: Double, connected: Double, abandoned: Double) {
        self.attempted = attempted
        self.connected = connected
        self.abandoned = abandoned
    }

    /// No calls.
    public static let zero = HourCounts(attempted: 0, connected: 0, abandoned: 0)

    /// Whether any count is below zero.
    public var hasNegative: Bool { attempted < 0 || connected < 0 || abandoned < 0 }

    /// Negative counts raised to zero.
    public var clamped: HourCounts {
        HourCounts(attempted: max(attempted, 0), connected: max(connected, 0), abandoned: max(abandoned, 0))
    }

    /// The point `ratio` of the way from `self` to `other`.
    func interpolated(to other: HourCounts, ratio: Double) -> HourCounts {
        func lerp(_ a: Double, _ b: Double) -> Double { a + (b - a) * ratio }
        return HourCounts(
            attempted: lerp(attempted, other.attempted), connected: lerp(connected, other.connected),
            abandoned: lerp(abandoned, other.abandoned))
    }

    /// Field-wise sum.
    public static func + (lhs: HourCounts, rhs: HourCounts) -> HourCounts {
        HourCounts(
            attempted: lhs.attempted + rhs.attempted, connected: lhs.connected + rhs.connected,
            abandoned: lhs.abandoned + rhs.abandoned)
    }
}

/// A row of the hourly report, read: the hour it covers and its counts.
public struct ObservedHour: Sendable, Hashable {
    /// Start of the hour.
    public var hour: Timestamp
    /// The counts as received.
    public var counts: HourCounts

    /// An observation with every field given.
    public init(hour: Timestamp, counts: HourCounts) {
        self.hour = hour
        self.counts = counts
    }

    /// Reads the seed's row shape `{date, calls_attempted, calls_connected, abandoned, …}`; `field` names
    /// the row in errors.
    public init(row: JSONValue, field: @autoclosure () -> String) throws {
        // The field's name is built only for an error: this runs once per row of every page.
        guard case .object(let members) = row else {
            throw DialerCoreError.invalidField(field: field(), reason: "must be a JSON object")
        }
        // One pass over the members, no hashing: this runs once per row of every page.
        var date: String?
        var attempted: Double?
        var connected: Double?
        var abandoned: Double?
        for (key, value) in members {
            switch key {
            case "date": date = value.stringValue
            case "calls_attempted": attempted = value.doubleValue
            case "calls_connected": connected = value.doubleValue
            case "abandoned": abandoned = value.doubleValue
            default: break
            }
        }
        func number(_ value: Double?, _ key: String) throws -> Double {
            guard let value else {
                throw DialerCoreError.invalidField(field: "\(field()).\(key)", reason: "must be a number")
            }
            return value
        }
        guard let date else {
            throw DialerCoreError.invalidField(field: "\(field()).date", reason: "must be an RFC 3339 string")
        }
        guard let hour = try? Timestamp(rfc3339: date) else {
            throw DialerCoreError.invalidField(
                field: "\(field()).date", reason: "\"\(date)\" is not an RFC 3339 instant")
        }
        guard hour.milliseconds % Self.hourMilliseconds == 0 else {
            throw DialerCoreError.invalidField(
                field: "\(field()).date", reason: "\"\(date)\" is not the start of an hour")
        }
        self.hour = hour
        counts = HourCounts(
            attempted: try number(attempted, "calls_attempted"), connected: try number(connected, "calls_connected"),
            abandoned: try number(abandoned, "abandoned"))
    }

    /// Milliseconds in an hour.
    public static let hourMilliseconds: Int64 = 3_600_000
}
