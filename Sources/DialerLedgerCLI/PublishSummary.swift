import DialerCore
import Pipelines

/// What a person reads after a publication: where the report is, its link, who got it, what is unfinished.
enum PublishSummary {
    static func lines(_ result: PublishResult) -> [String] {
        var lines: [String] = []
        for (format, object) in stored(result) {
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

    /// The publication as `--format json` shows it: where each representation is stored, its links, each
    /// e-mail's outcome, and what is unfinished.
    static func json(_ result: PublishResult) -> JSONValue {
        [
            "report_id": .string(result.reportID),
            "stored": .array(
                stored(result).map { format, object in
                    [
                        "format": .string(format.rawValue), "address": .string("\(object.address)"),
                        "size": .int(Int64(object.size)), "etag": .string(object.eTag),
                    ]
                }),
            "links": .object(
                Dictionary(
                    uniqueKeysWithValues: result.links.map { format, link in
                        (
                            format.rawValue,
                            ["url": .string(link.url), "expires_at": .string(link.expiresAt.rfc3339Seconds)]
                                as JSONValue
                        )
                    })),
            "emails": .array(
                result.emails.map { email in
                    [
                        "recipient": .string(email.recipient), "message_id": .string(email.messageID),
                        "result": .string(email.result.rawValue), "reply": .string(email.reply),
                    ]
                }),
            "unfinished": .array(result.unfinished.map(JSONValue.string)),
        ]
    }

    /// Each representation the publication stored, the chart JSON first.
    private static func stored(_ result: PublishResult) -> [(ReportFormat, ReportUploaded)] {
        [result.stored.map { (ReportFormat.json, $0) }].compactMap { $0 }
            + ReportFormat.companions.compactMap { format in result.companions[format].map { (format, $0) } }
    }
}
