import Delivery
import DialerCore
import Foundation

/// The e-mail that carries a report's link: the same text for the same report, link and recipient, so a
/// resent message matches the SHA-256 of the body recorded with its intent.
enum ReportMail {
    /// The message to `to` about `report`, with a Message-ID made from the report and the recipient.
    static func message(report: RecordedReport, link: PresignedURL, from: String, to: String, date: Timestamp)
        throws -> MailMessage
    {
        let started = report.started
        let zone = TimeZone(identifier: started.timeZone) ?? .gmt
        let day = String(Timestamp(milliseconds: started.window.end.milliseconds - 1).rfc3339(in: zone).prefix(10))
        let failed = report.generated.failed
        let total = started.campaigns.count
        let coverage =
            failed.isEmpty
            ? (total == 1 ? "1 campaign" : "\(total) campaigns")
            : "\(total - failed.count) of \(total) campaigns; \(failed.joined(separator: ", ")) failed"
        var lines = [
            failed.isEmpty
                ? "The dialer report \(report.generated.reportID) is ready (\(coverage))."
                : "The dialer report \(report.generated.reportID) is ready with \(total - failed.count) of \(total) "
                    + "campaigns: \(failed.joined(separator: ", ")) could not be fetched from CXone.",
            "",
            "Campaigns: \(started.campaigns.filter { !failed.contains($0) }.joined(separator: ", "))",
            "Window: \(started.window.start.rfc3339(in: zone)) to \(started.window.end.rfc3339(in: zone))",
        ]
        if !failed.isEmpty { lines.append("Not reported (CXone failed): \(failed.joined(separator: ", "))") }
        lines += [
            "", "Download it (the link works until \(link.expiresAt.rfc3339(in: zone))):", link.url, "",
            "SHA-256 of the report: \(report.generated.sha256.hex) (\(report.generated.size) bytes)",
            "Rule set: \(report.generated.ruleSet)", "",
            "-- dialer-ledger; this message is recorded in the report's audit trail.",
        ]
        let recipientTag = SHA256Digest.of(Array(to.lowercased().utf8)).hex.prefix(12)
        let domain = from.split(separator: "@").last.map(String.init) ?? "dialer-ledger.local"
        return try MailMessage(
            from: from, to: [to], subject: "Dialer report \(day) (\(coverage))", body: lines.joined(separator: "\n"),
            date: date, messageID: "<\(report.generated.reportID).\(recipientTag)@\(domain)>")
    }
}
