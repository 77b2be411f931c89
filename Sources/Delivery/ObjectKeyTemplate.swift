import DialerCore
import Foundation

/// Where a report is stored: a key template with `{date}` (the report window's last day, YYYY-MM-DD, in
/// the report's zone), `{report_id}` and `{campaigns}` (joined by `+`). The default is the seed's
/// `reports/dialer_{date}.json`.
public struct ObjectKeyTemplate: Sendable, Hashable {
    /// The template text.
    public let template: String

    /// The seed's key: `reports/dialer_YYYY-MM-DD.json`.
    public static let seed = ObjectKeyTemplate(checked: "reports/dialer_{date}.json")

    /// A template; throws naming `key_template` when it has an unknown placeholder, an absolute path, or
    /// characters S3 keys should not carry.
    public init(_ template: String) throws {
        func fail(_ reason: String) -> DialerCoreError { .invalidField(field: "key_template", reason: reason) }
        guard !template.isEmpty, template.utf8.count <= 900 else { throw fail("must be 1 to 900 bytes") }
        guard !template.hasPrefix("/") else { throw fail("must not start with /") }
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw fail("a { is never closed") }
            let name = rest[rest.index(after: open)..<close]
            guard Self.placeholders.contains(String(name)) else {
                throw fail("unknown placeholder {\(name)} (known: {date}, {report_id}, {campaigns})")
            }
            rest = rest[rest.index(after: close)...]
        }
        guard !template.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" }) else {
            throw fail("must not contain control characters or backslashes")
        }
        self.template = template
    }

    private init(checked template: String) { self.template = template }

    private static let placeholders: Set<String> = ["date", "report_id", "campaigns"]

    /// The key for a report.
    public func key(reportID: String, window: ReportWindow, timeZone: TimeZone, campaigns: [String]) -> String {
        // The window's end is exclusive: its last day is the day of the instant just before it.
        let last = Timestamp(milliseconds: window.end.milliseconds - 1).rfc3339(in: timeZone)
        return template.replacingOccurrences(of: "{date}", with: String(last.prefix(10)))
            .replacingOccurrences(of: "{report_id}", with: reportID)
            .replacingOccurrences(of: "{campaigns}", with: campaigns.joined(separator: "+"))
    }
}
