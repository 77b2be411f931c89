import Delivery
import DialerCore
import Foundation

/// The e-mail that carries a report's links: `multipart/alternative`, the same text and HTML for the same
/// report, links and recipient, so a resent message matches the SHA-256 of the body recorded with its intent.
enum ReportMail {
    /// The message to `to` about `report` with the links to its JSON, page and CSV, with a Message-ID made
    /// from the report and the recipient.
    static func message(
        report: RecordedReport, links: [ReportFormat: PresignedURL], from: String, to: String, date: Timestamp
    ) throws -> MailMessage {
        let started = report.started
        let zone = TimeZone(identifier: started.timeZone) ?? .gmt
        let day = String(Timestamp(milliseconds: started.window.end.milliseconds - 1).rfc3339(in: zone).prefix(10))
        let failed = report.generated.failed
        let total = started.campaigns.count
        let coverage =
            failed.isEmpty
            ? (total == 1 ? "1 campaign" : "\(total) campaigns")
            : "\(total - failed.count) of \(total) campaigns; \(failed.joined(separator: ", ")) failed"
        guard let json = links[.json], let page = links[.html], let csv = links[.csv] else {
            throw DialerCoreError.invalidField(
                field: "links", reason: "the JSON, the page and the CSV each need a link")
        }
        let body = ReportMailBody(
            view: try ReportView(report.content, sha256: report.generated.sha256), campaigns: total,
            size: report.generated.size,
            links: ReportMailBody.Links(page: page.url, csv: csv.url, json: json.url, expiresAt: json.expiresAt))
        let recipientTag = SHA256Digest.of(Array(to.lowercased().utf8)).hex.prefix(12)
        let domain = from.split(separator: "@").last.map(String.init) ?? "dialer-ledger.local"
        return try MailMessage(
            from: from, to: [to], subject: "Dialer report \(day) (\(coverage))", body: body.text, html: body.html,
            date: date, messageID: "<\(report.generated.reportID).\(recipientTag)@\(domain)>")
    }
}
