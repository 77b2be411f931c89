import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// Reads `--rules FILE|NAME`: a built-in rule set by name, or a rule-set JSON file.
func loadRuleSet(_ value: String) throws -> RuleSet {
    do {
        return try RuleSet.load(value, field: "--rules")
    } catch let error as DialerCoreError {
        throw ValidationError("\(error)")
    }
}

/// Reads an instant option: RFC 3339, or a date `YYYY-MM-DD` meaning its midnight in `zone`.
func parseInstant(_ text: String, option: String, zone: TimeZone) throws -> Timestamp {
    if let instant = try? Timestamp(rfc3339: text) { return instant }
    let parts = text.split(separator: "-").compactMap { Int($0) }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    guard parts.count == 3, text.count == 10,
        let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
        calendar.component(.day, from: date) == parts[2]
    else {
        throw ValidationError("\(option): \"\(text)\" is neither an RFC 3339 instant nor a YYYY-MM-DD date")
    }
    return Timestamp(date)
}

/// Writes `bytes` to `path` (creating its folder), or to standard output for `-`.
func write(_ bytes: [UInt8], to path: String) throws {
    if path == "-" {
        print(String(decoding: bytes, as: UTF8.self))
        return
    }
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url, options: .atomic)
}
