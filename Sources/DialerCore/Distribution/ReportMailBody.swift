import Foundation
import Mustache

/// The words of a report's e-mail, as plain text and as HTML, from the report's view and its links: the
/// headline numbers, the failed campaigns, each campaign's one-line summary with its compliance verdict,
/// and the links to the page, the CSV and the JSON. No image and no external resource: the numbers are in
/// the text. Pure (no clock): the same view and links give the same bytes, so a resent message matches
/// the body SHA-256 recorded with its intent. Every value in the HTML is escaped by Mustache.
public struct ReportMailBody: Sendable, Equatable {
    /// The links the message carries, and when they stop working.
    public struct Links: Sendable, Equatable {
        public var page: String
        public var csv: String
        public var json: String
        public var expiresAt: Timestamp

        /// Links from their parts.
        public init(page: String, csv: String, json: String, expiresAt: Timestamp) {
            self.page = page
            self.csv = csv
            self.json = json
            self.expiresAt = expiresAt
        }
    }

    /// The plain-text part.
    public var text: String
    /// The HTML part, a whole document ending with a newline.
    public var html: String

    /// The body about `view` (whose chart JSON is `size` bytes), asked for `campaigns` in all, with `links`.
    public init(view: ReportView, campaigns: Int, size: Int, links: Links) {
        let context = MailContext(view: view, campaigns: campaigns, size: size, links: links)
        text = context.text
        html = Self.template.render(context)
    }

    /// Parsed once.
    private static let template = MustacheTemplate.embedded(ReportMailTemplate.html, name: "report mail")
}

/// What the mail's template reads (by name, through `Mirror`), every value already text; and the plain
/// text made from the same values.
private struct MailContext {
    struct Figure {
        let label, value: String
    }
    struct Campaign {
        let campaignID, verdict, color, summary: String
    }

    let reportID, intro, windowText, reported, ruleSetText, sha256, size, expires: String
    let pageURL, csvURL, jsonURL: String
    let headline: [Figure]
    let hasFailed: Bool
    let failed: [ReportView.FailedCampaign]
    let campaigns: [Campaign]
    let text: String

    init(view: ReportView, campaigns total: Int, size bytes: Int, links: ReportMailBody.Links) {
        let decimals = view.ruleSet.rateDecimals
        func percent(_ rate: Double?) -> String { ReportText.percent(rate, decimals: decimals) }
        let zone = TimeZone(identifier: view.header.timeZone) ?? .gmt
        let ids = view.campaigns.map(\.series.campaignID)
        let failedIDs = view.failed.map(\.campaignID)
        reportID = view.header.reportID
        intro =
            failedIDs.isEmpty
            ? "The dialer report \(reportID) is ready (\(total == 1 ? "1 campaign" : "\(total) campaigns"))."
            : "The dialer report \(reportID) is ready with \(total - failedIDs.count) of \(total) campaigns: "
                + "\(failedIDs.joined(separator: ", ")) could not be fetched from CXone."
        windowText = view.windowText
        reported = ids.joined(separator: ", ")
        ruleSetText = view.ruleSetText
        sha256 = view.sha256?.hex ?? "not known"
        size = ReportText.grouped(Int64(bytes))
        expires = links.expiresAt.rfc3339(in: zone)
        (pageURL, csvURL, jsonURL) = (links.page, links.csv, links.json)
        let counts = view.total.counts
        let rates = view.total.rates
        headline = [
            Figure(label: "Attempts", value: ReportText.count(counts.attempted)),
            Figure(label: "Connects", value: ReportText.count(counts.connected)),
            Figure(label: "Contact rate", value: percent(rates.contactRate)),
            Figure(label: "Abandonment rate", value: percent(rates.abandonmentRate)),
            Figure(
                label: "Compliance abandonment rate",
                value: "\(percent(rates.complianceAbandonmentRate)), compliance \(view.verdict.text) (threshold "
                    + "\(percent(view.ruleSet.complianceThreshold)))"),
        ]
        hasFailed = !view.failed.isEmpty
        failed = view.failed
        self.campaigns = view.campaigns.map { campaign in
            Campaign(
                campaignID: campaign.series.campaignID, verdict: campaign.verdict.text,
                color: Self.color(campaign.verdict), summary: view.summary(campaign))
        }
        var lines = [intro, "", "Window: \(windowText)", "Campaigns: \(reported)"]
        if hasFailed {
            lines.append("Not reported (CXone failed):")
            lines += failed.map { "  \($0.campaignID): \($0.reason)" }
        }
        lines += ["", "Whole report:"] + headline.map { "  \($0.label): \($0.value)" }
        lines += ["", "Per campaign:"] + self.campaigns.map { "  \($0.summary)" }
        lines += [
            "", "The report page (charts and tables): \(pageURL)", "", "The CSV (one row per campaign-hour): \(csvURL)",
            "", "The chart JSON: \(jsonURL)", "", "The links work until \(expires).", "",
            "SHA-256 of the report: \(sha256) (\(size) bytes)", "Rule set: \(ruleSetText)", "",
            "-- dialer-ledger; this message is recorded in the report's audit trail.",
        ]
        text = lines.joined(separator: "\n")
    }

    /// The colour a verdict is written in (a fixed palette, readable on white).
    private static func color(_ verdict: ReportView.Verdict) -> String {
        switch verdict {
        case .pass: "#1b6e3a"
        case .breach: "#b3261e"
        case .insufficientData: "#5f6368"
        }
    }
}
