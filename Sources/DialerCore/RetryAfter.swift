import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP date.
public enum RetryAfter {
    /// The wait the header asks for at `now`, or nil when it is missing or unreadable (a date in the past
    /// is a wait of zero).
    public static func wait(_ header: String?, now: Timestamp) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (48...57).contains($0) }) {
            return Int64(text).map { .seconds($0) } ?? .seconds(Int64.max / 1000)
        }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(max(date.milliseconds - now.milliseconds, 0))
    }

    /// Parses an HTTP date: the IMF-fixdate form, and the obsolete RFC 850 and asctime forms.
    static func httpDate(_ text: String) -> Timestamp? {
        let text = text.split(separator: " ").joined(separator: " ")  // asctime pads the day with a space
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
        }
        return nil
    }
}
