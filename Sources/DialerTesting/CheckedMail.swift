import DialerCore
import Foundation

/// A saved e-mail as Python's `email` package reads it (`tools/check-mail`): its subject, its decoded
/// text and HTML parts, the HTML's visible text and links, and any problem with its MIME structure.
public struct CheckedMail: Sendable {
    public let subject: String
    public let text: String
    public let html: String
    /// The HTML part's visible text, whitespace collapsed.
    public let htmlText: String
    /// Every `href` of the HTML part, in order.
    public let htmlLinks: [String]
    /// Every URL in the text part, in order.
    public let textLinks: [String]
    /// What `tools/check-mail` found wrong (empty when the message is sound).
    public let problems: String

    /// Checks the message in `file` (`lf`: saved with LF line ends, as aiosmtpd's Maildir does).
    public init(file: String, lf: Bool = false) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let outcome = try await CommandLineTool.runAny(
            "/usr/bin/env",
            ["python3", root.appendingPathComponent("tools/check-mail").path] + (lf ? ["--lf"] : []) + [file])
        let json = try JSONParser.parse(Array(outcome.stdout.utf8))
        func strings(_ key: String) -> [String] {
            guard case .array(let values)? = json[key] else { return [] }
            return values.compactMap(\.stringValue)
        }
        subject = json["subject"]?.stringValue ?? ""
        text = json["text"]?.stringValue ?? ""
        html = json["html"]?.stringValue ?? ""
        htmlText = json["html_text"]?.stringValue ?? ""
        htmlLinks = strings("html_links")
        textLinks = strings("text_links")
        problems = outcome.status == 0 ? "" : outcome.stderr + (outcome.stderr.isEmpty ? "exit \(outcome.status)" : "")
    }
}
