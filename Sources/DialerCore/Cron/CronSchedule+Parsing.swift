import Foundation

extension CronSchedule {
    /// The descriptors robfig accepts, as the five fields they stand for.
    static let descriptors: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Splits off a `CRON_TZ=`/`TZ=` prefix, then reads a descriptor, `@every` or five fields.
    static func parse(_ expression: String) throws -> (zone: TimeZone?, rule: Rule) {
        var text = Substring(expression).droppingSurroundingWhitespace()
        var zone: TimeZone?
        if let key = ["CRON_TZ", "TZ"].first(where: { text.hasPrefix($0 + "=") }) {
            let afterKey = text.dropFirst(key.count + 1)
            let name = afterKey.prefix { !$0.isWhitespace }
            guard !name.isEmpty, let named = TimeZone(identifier: String(name)) else {
                throw DialerCoreError.invalidField(field: key, reason: "\"\(name)\" is not a known time zone")
            }
            zone = named
            text = afterKey.dropFirst(name.count).droppingSurroundingWhitespace()
            guard !text.isEmpty else {
                throw DialerCoreError.invalidField(field: "expression", reason: "has no schedule after \(key)=\(name)")
            }
        }
        guard !text.isEmpty else { throw DialerCoreError.invalidField(field: "expression", reason: "is empty") }
        guard text.hasPrefix("@") else { return (zone, .fields(try CronFields(parsing: text))) }

        // Descriptors are case-sensitive, as in robfig: `@DAILY` is refused, not read as `@daily`.
        let word = String(text.prefix { !$0.isWhitespace })
        if word == "@every" {
            let duration = text.dropFirst(word.count).droppingSurroundingWhitespace()
            return (zone, .every(seconds: try GoDuration.wholeSeconds(parsing: duration)))
        }
        guard word.count == text.count, let fields = descriptors[word] else {
            let lower = word.lowercased()
            let known = word != lower && (descriptors[lower] != nil || lower == "@every")
            throw DialerCoreError.invalidField(
                field: "expression",
                reason: "\"\(text)\" is not a descriptor (@yearly, @annually, @monthly, @weekly, @daily, "
                    + "@midnight, @hourly or @every <duration>\(known ? ", in lower case" : ""))"
            )
        }
        return (zone, .fields(try CronFields(parsing: Substring(fields))))
    }
}

extension Substring {
    /// The text without leading and trailing whitespace.
    fileprivate func droppingSurroundingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
