/// Go's `time.ParseDuration` syntax (`90m`, `1h30m`, `1.5h`, `45s`), for `@every`.
enum GoDuration {
    private static let units: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// The duration in whole seconds, rounded down as robfig's `Every` does; at least one second.
    static func wholeSeconds(parsing text: Substring) throws -> Int64 {
        guard let nanoseconds = parse(Array(text.unicodeScalars)) else {
            throw DialerCoreError.invalidField(
                field: "@every", reason: "\"\(text)\" is not a duration (like 90m, 1h30m or 45s)")
        }
        guard nanoseconds >= 1_000_000_000 else {
            throw DialerCoreError.invalidField(field: "@every", reason: "\"\(text)\" is shorter than 1s")
        }
        return nanoseconds / 1_000_000_000
    }

    /// Nanoseconds, or nil when the text is not a duration or overflows.
    private static func parse(_ scalars: [Unicode.Scalar]) -> Int64? {
        var index = 0
        func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
            var taken = String.UnicodeScalarView()
            while index < scalars.count, predicate(scalars[index]) {
                taken.append(scalars[index])
                index += 1
            }
            return String(taken)
        }
        let isDigit = { (scalar: Unicode.Scalar) in (48...57).contains(scalar.value) }
        let negative = take { $0 == "-" || $0 == "+" }
        guard negative.count <= 1 else { return nil }
        if index == scalars.count - 1, scalars[index] == "0" { return 0 }
        guard index < scalars.count else { return nil }
        var total: Int64 = 0
        while index < scalars.count {
            let whole = take(while: isDigit)
            var fraction = ""
            if index < scalars.count, scalars[index] == "." {
                index += 1
                fraction = take(while: isDigit)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { return nil }
            let unitText = take { $0 != "." && !isDigit($0) }
            guard let unit = units[unitText], let part = value(whole, fraction, unit: unit) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return nil }
            total = sum
        }
        return negative == "-" ? -total : total
    }

    /// `whole.fraction` times `unit`; the fraction is scaled in floating point, as Go does.
    private static func value(_ whole: String, _ fraction: String, unit: Int64) -> Int64? {
        guard let integer = whole.isEmpty ? 0 : Int64(whole) else { return nil }
        let (scaled, overflow) = integer.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        let digits = fraction.prefix(18)
        let numerator = Double(Int64(digits) ?? 0)
        let denominator = (0..<digits.count).reduce(1.0) { product, _ in product * 10 }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(Int64(numerator * (Double(unit) / denominator)))
        return sumOverflow ? nil : sum
    }
}

extension Duration {
    /// A duration in Go's syntax (`24h`, `90m`, `1h30m`, `45s`), in whole seconds, at least one; throws
    /// naming `field`.
    public init(parsing text: String, field: String) throws {
        do {
            self = .seconds(try GoDuration.wholeSeconds(parsing: Substring(text)))
        } catch DialerCoreError.invalidField(_, let reason) {
            throw DialerCoreError.invalidField(field: field, reason: reason)
        }
    }
}

extension Duration {
    /// The duration as a person reads it, in the syntax `Duration(parsing:)` takes: `5m36s`, `2h`, `1h0m5s`;
    /// under a minute to a tenth of a second (`4.6s`).
    public var compactDescription: String {
        let milliseconds = max(0, self.milliseconds)
        if milliseconds < 59_950 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = (milliseconds + 500) / 1000
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        var text = hours > 0 ? "\(hours)h" : ""
        if minutes > 0 || (hours > 0 && rest > 0) { text += "\(minutes)m" }
        if rest > 0 { text += "\(rest)s" }
        return text
    }
}
