import DialerCore
import Foundation

/// Where a report is stored: a key template with `{date}` (the report window's last day, YYYY-MM-DD, in
/// the report's zone), `{report_id}` and `{campaigns}` (joined by `+`). The default,
/// `reports/dialer_{date}_{report_id}.json`, gives every report its own key, so a link e-mailed for one
/// report never serves another; the seed's `reports/dialer_{date}.json` stays available (`seed`), and the
/// publisher refuses to overwrite a key that holds another report's bytes.
public struct ObjectKeyTemplate: Sendable, Hashable {
    /// The template text.
    public let template: String

    /// One key per report: `reports/dialer_YYYY-MM-DD_REPORT-ID.json`.
    public static let `default` = ObjectKeyTemplate(checked: "reports/dialer_{date}_{report_id}.json")

    /// The seed's key: `reports/dialer_YYYY-MM-DD.json` (one per day: a second report that day is refused).
    public static let seed = ObjectKeyTemplate(checked: "reports/dialer_{date}.json")

    /// A template; throws naming `key_template` when it has an unknown placeholder, an absolute path, a
    /// `.`, `..` or empty path segment (a key that could leave its prefix), or characters S3 keys should not
    /// carry.
    public init(_ template: String) throws {
        func fail(_ reason: String) -> DialerCoreError { .invalidField(field: "key_template", reason: reason) }
        guard !template.isEmpty, template.utf8.count <= 900 else { throw fail("must be 1 to 900 bytes") }
        guard !template.hasPrefix("/") else { throw fail("must not start with /") }
        guard Self.hasPlainSegments(template) else {
            throw fail("\"\(template)\" must be a relative path of non-empty segments, without . or ..")
        }
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

    /// Whether `key` can name an object in any store: 1 to 1024 bytes, a relative path of plain segments
    /// (none empty, `.` or `..`), no control characters or backslashes.
    public static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 1024 && hasPlainSegments(key)
            && !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" })
    }

    /// Whether every `/`-separated segment of `path` is non-empty and neither `.` nor `..`.
    private static func hasPlainSegments(_ path: String) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }

    /// The key for a report; throws naming `key_template` when the values put in make it leave its prefix (a
    /// campaign id with `/` or `..`) or carry characters a key should not.
    public func key(reportID: String, window: ReportWindow, timeZone: TimeZone, campaigns: [String]) throws
        -> String
    {
        // The window's end is exclusive: its last day is the day of the instant just before it.
        let last = Timestamp(milliseconds: window.end.milliseconds - 1).rfc3339(in: timeZone)
        let key = template.replacingOccurrences(of: "{date}", with: String(last.prefix(10)))
            .replacingOccurrences(of: "{report_id}", with: reportID)
            .replacingOccurrences(of: "{campaigns}", with: campaigns.joined(separator: "+"))
        guard Self.isPlainKey(key) else {
            throw DialerCoreError.invalidField(
                field: "key_template",
                reason: "gives the key \"\(key)\", which is not a relative path of plain segments")
        }
        return key
    }
}
