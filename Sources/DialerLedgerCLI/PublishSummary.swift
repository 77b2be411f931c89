import DialerCore
import Pipelines

/// What a person reads after a publication: where the report is, its link, who got it, what is unfinished.
enum PublishSummary {
    static func lines(_ result: PublishResult) -> [String] {
        var lines: [String] = []
        let stored =
            [result.stored.map { (ReportFormat.json, $0) }].compactMap { $0 }
            + ReportFormat.companions.compactMap { format in result.companions[format].map { (format, $0) } }
        for (format, object) in stored {
            lines.append(
                "  uploaded\(format == .json ? "" : " \(format.noun)"): \(object.address) (\(object.size) bytes, ETag "
                    + "\(object.eTag), confirmed by HEAD)")
        }
        if let link = result.link {
            lines.append("  link (valid until \(link.expiresAt.rfc3339Seconds)): \(link.url)")
        }
        for format in ReportFormat.companions {
            if let link = result.links[format] { lines.append("  \(format.noun) link: \(link.url)") }
        }
        for email in result.emails {
            let verdict =
                switch email.result {
                case .accepted: "e-mailed"
                case .notSent: "not e-mailed yet"
                case .refused: "refused"
                case .unknown: "outcome unknown (not sent again)"
                }
            lines.append("  \(verdict): \(email.recipient) \(email.messageID): \(email.reply)")
        }
        lines += result.unfinished.map { "  unfinished: \($0)" }
        return lines
    }
}
