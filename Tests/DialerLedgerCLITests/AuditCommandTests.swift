import DialerCore
import DialerTesting
import Foundation
import Testing

/// `dialer-ledger audit`: what was sent, to whom, when, with its outcome, filtered and in three formats.
@Suite struct AuditCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func aPublishedReportsEffectsAreListedByCampaignTypeAndFormat() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002", "--from",
                "2026-11-30", "--to", "2026-12-01", "--publish", "--email", "ops@example.com,lead@example.com",
            ], environment: ["CXONE_BASE_URL": ""])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try await tool.run(["audit", "--data", folder.path, "--format", "jsonl"])
        let rows = try json.lines.map { try JSONParser.parse(Array($0.utf8)) }
        let array = try await tool.run(["audit", "--data", folder.path, "--format", "json"])
        #expect(try JSONParser.parse(array.stdout) == .array(rows), "json is the jsonl rows as one array")
        #expect(
            rows.compactMap { $0["type"]?.stringValue } == [
                "ReportPublicationRequested", "ReportUploadRequested", "ReportUploaded", "ReportUploadRequested",
                "ReportUploaded", "ReportUploadRequested", "ReportUploaded", "ReportLinkRequested",
                "ReportLinkIssued", "ReportEmailRequested", "ReportEmailAttempted", "ReportEmailed",
                "ReportEmailRequested", "ReportEmailAttempted", "ReportEmailed",
            ])
        #expect(rows.allSatisfy { $0["campaigns"] == ["CAMPAIGN_001", "CAMPAIGN_002"] })
        let emailed = rows.filter { $0["type"]?.stringValue == "ReportEmailed" }
        #expect(emailed.compactMap { $0["target"]?.stringValue } == ["ops@example.com", "lead@example.com"])
        #expect(emailed.allSatisfy { $0["outcome"]?.stringValue?.hasPrefix("accepted: ") == true })
        #expect(!json.stdout.contains("signature="))

        let csv = try await tool.run(
            [
                "audit", "--data", folder.path, "--type", "ReportEmailed", "--campaign", "CAMPAIGN_002", "--format",
                "csv",
            ])
        #expect(csv.stdout.hasPrefix("seq,recorded_at,type,campaigns,subject,target,what,outcome\r\n"))
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3, "a header and two rows")
        let none = try await tool.run(["audit", "--data", folder.path, "--campaign", "CAMPAIGN_009"])
        #expect(none.stdout == "no effects match\n")
        let later = try await tool.run(["audit", "--data", folder.path, "--from", "2100-01-01T00:00:00Z"])
        #expect(later.stdout == "no effects match\n")
        let table = try await tool.run(["audit", "--data", folder.path, "--type", "ReportUploaded"])
        #expect(table.lines.count == 4, "a header, then the JSON, the page and the CSV")
        #expect(table.lines[2].contains(" page ") && table.lines[3].contains(" CSV "))
        let uploads = try await tool.run(
            ["audit", "--data", folder.path, "--type", "ReportUploaded", "--format", "jsonl"])
        let targets = try uploads.lines.map { try JSONParser.parse(Array($0.utf8))["target"]?.stringValue ?? "" }
        #expect(targets.count == 3)
        for (target, suffix) in zip(targets, [".json", ".html", ".csv"]) {
            #expect(target.hasPrefix("local://local/reports/dialer_2026-11-30_rpt-") && target.hasSuffix(suffix))
        }
        let bad = try await tool.run(["audit", "--data", folder.path, "--type", "IntervalDerived"])
        #expect(bad.status != 0 && bad.stderr.contains("--type: IntervalDerived is not an effect type"))
    }
}
