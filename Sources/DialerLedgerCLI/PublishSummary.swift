import DialerCore
import Pipelines

/// What a person reads after a publication: where the report is, its link, who got it, what is unfinished.
enum PublishSummary {
    static func lines(_ result: PublishResult) -> [String] {
        var lines: [String] = []
        if let stored = result.stored {
            lines.append("  uploaded: \(result.address) (\(stored.size) bytes, ETag \(stored.eTag), confirmed by HEAD)")
        }
        if let link = result.link {
            lines.append("  link (valid until \(link.expiresAt.rfc3339Seconds)): \(link.url)")
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
