import DialerCore
import Foundation

/// Which representation of a report a request asks for: `?format=json|html|csv` when given, else the best
/// of `Accept` (RFC 9110 media ranges with q-values; JSON when `Accept` is absent, `*/*`, or ties).
enum ReportNegotiation {
    /// The format; 400 naming `format` for an unknown override, 406 when `Accept` allows none of the three.
    static func format(override: String?, accept: String?) throws -> ReportFormat {
        if let override {
            guard let format = ReportFormat(rawValue: override) else {
                throw APIError(field: "format", reason: "must be json, html or csv")
            }
            return format
        }
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        let ranges = accept.split(separator: ",").compactMap(MediaRange.init)
        var best: (format: ReportFormat, quality: Double, specificity: Int)?
        for format in ReportFormat.allCases {
            // The most specific range matching the format decides its quality (RFC 9110 §12.5.1).
            guard
                let range = ranges.filter({ $0.matches(format.mediaType) }).max(by: { $0.specificity < $1.specificity }
                ),
                range.quality > 0
            else { continue }
            if best == nil || range.quality > best!.quality { best = (format, range.quality, range.specificity) }
        }
        guard let best else {
            throw APIError(
                field: "Accept", reason: "allows none of application/json, text/html and text/csv (or use ?format=)",
                status: .notAcceptable)
        }
        return best.format
    }

    /// One media range of `Accept`: `type/subtype` (either may be `*`) and its `q`.
    struct MediaRange {
        var type: Substring
        var subtype: Substring
        var quality = 1.0

        init?(_ text: Substring) {
            let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = parts.first?.lowercased().split(separator: "/") ?? []
            guard name.count == 2 else { return nil }
            (type, subtype) = (name[0], name[1])
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].lowercased() == "q", let q = Double(pair[1]), (0...1).contains(q) {
                    quality = q
                }
            }
        }

        /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`.
        var specificity: Int { type == "*" ? 0 : subtype == "*" ? 1 : 2 }

        func matches(_ mediaType: String) -> Bool {
            let name = mediaType.split(separator: ";")[0].split(separator: "/")
            return (type == "*" || type == name[0]) && (subtype == "*" || subtype == name[1])
        }
    }
}
