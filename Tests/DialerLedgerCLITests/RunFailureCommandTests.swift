import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

@testable import Delivery

/// Runs and publications that fail say so: exit 4 and the cause when no campaign could be fetched, exit 3 until
/// a misconfigured bucket or mail password is fixed, and then one upload and one e-mail.
@Suite(.serialized) struct RunFailureCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private let window = ["--from", "2026-11-30", "--to", "2026-12-01"]

    @Test func aWrongClientSecretIsExit4WithTheCauseAndNothingIsPublished() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let simulator = try await SimulatorProcess(tool: tool, folder: folder)
        defer { simulator.killIfRunning() }
        var environment = simulator.environment
        environment["CXONE_CLIENT_SECRET"] = "wrong-secret-Zq81"
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002", "--publish",
                "--email", "ops@example.com",
            ] + window, environment: environment)
        #expect(run.status == 4, "\(run.stdout)\n\(run.stderr)")
        let cause = try #require(run.stderr.split(separator: "\n").last.map(String.init))
        #expect(cause.hasPrefix("dialer-ledger: report rpt-"))
        #expect(
            cause.hasSuffix(
                "failed, nothing published: no campaign could be fetched: CXone refused the client credentials "
                    + "(HTTP 401 from the token endpoint): check CXONE_CLIENT_ID and CXONE_CLIENT_SECRET"))
        #expect(!run.stderr.contains("wrong-secret-Zq81") && !run.stdout.contains("wrong-secret-Zq81"))
        #expect(!FileManager.default.fileExists(atPath: folder.appending("mail")))
        #expect(!FileManager.default.fileExists(atPath: folder.appending("objects")))
        let list = try await tool.run(["report", "list", "--data", folder.path])
        #expect(list.lines.count == 2 && list.lines[1].contains("0 of 2") && list.lines[1].contains("run failed"))
        let publish = try await tool.run(["report", "publish", "--data", folder.path], environment: environment)
        #expect(publish.status == 0 && publish.stdout.contains("nothing to publish"), "\(publish.stdout)")
    }

    @Test func aRunSaysItsOutcomeAsOneJSONObjectWhenAsked() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let embedded = ["CXONE_BASE_URL": ""]
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_404", "--publish",
                "--email", "ops@example.com", "--format", "json",
            ] + window, environment: embedded)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONParser.parse(run.stdout)
        let reportID = try #require(summary["report_id"]?.stringValue)
        #expect(summary["outcome"] == "partial" && summary["campaigns"] == ["CAMPAIGN_001"])
        #expect(summary["failed"]?["CAMPAIGN_404"]?.stringValue?.contains("HTTP 404") == true)
        #expect(
            summary["hours"]?["derived"] == 24 && summary["written"]?.stringValue?.hasSuffix("\(reportID).json") == true
        )
        let publication = try #require(summary["publications"]?.arrayValue?.last)
        #expect(publication["report_id"]?.stringValue == reportID && publication["unfinished"] == [])
        #expect(publication["emails"]?.arrayValue?.map { $0["result"] } == ["accepted"])
        let list = try await tool.run(["report", "list", "--data", folder.path, "--format", "jsonl"])
        #expect(try JSONParser.parse(try #require(list.lines.first))["report_id"]?.stringValue == reportID)

        let failed = try await tool.run(
            ["report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_404", "--format", "json"] + window,
            environment: embedded)
        #expect(failed.status == 4)
        let verdict = try JSONParser.parse(failed.stdout)
        #expect(verdict["outcome"] == "failed" && verdict["reason"]?.stringValue?.contains("HTTP 404") == true)
    }

    @Test func anUnreachableCXoneIsExit4NamingTheSettingToCheck() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try Loopback.freePort()
        let run = try await tool.run(
            ["report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001"] + window,
            environment: [
                "CXONE_BASE_URL": "http://127.0.0.1:\(port)", "CXONE_CLIENT_ID": "dialer-ledger",
                "CXONE_CLIENT_SECRET": "unused-secret-0000", "CXONE_MAX_ATTEMPTS": "1",
            ])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("CXone could not be reached at the token endpoint"))
        #expect(run.stderr.contains("check CXONE_BASE_URL and CXONE_TOKEN_URL and the network"))
    }

    @Test func aWrongBucketAndAWrongMailPasswordAreFinishedOnceFixed() async throws {
        let peers = try await PublishingPeers.start()
        defer { peers.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let config = folder.appending("settings.json")
        try peers.writeSettings(to: config)
        func environment(bucket: String, password: String) -> [String: String] {
            peers.environment(bucket: bucket, smtpPassword: password)
        }
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--config", config, "--campaigns", "CAMPAIGN_001", "--publish",
                "--email", "ops@example.com",
            ] + window,
            environment: environment(bucket: "no-such-bucket", password: "wrong-password-1"))
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("unfinished: upload to s3://no-such-bucket/reports/dialer_2026-11-30_rpt-"))
        // The bucket fixed, the password still wrong: stored, linked, the e-mail not sent, more often than the
        // attempt limit; a setup failure never uses up the attempts.
        for _ in 0..<4 {
            let publish = try await tool.run(
                ["report", "publish", "--data", folder.path, "--config", config],
                environment: environment(bucket: "dialer-reports", password: "wrong-password-1"))
            #expect(publish.status == 3, "\(publish.stdout)\n\(publish.stderr)")
            #expect(publish.stdout.contains("the mail setup failed: fix it and publish again"), "\(publish.stdout)")
        }
        let fixed = try await tool.run(
            ["report", "publish", "--data", folder.path, "--config", config],
            environment: environment(bucket: "dialer-reports", password: SMTPTestServer.password))
        #expect(fixed.status == 0, "\(fixed.stdout)\n\(fixed.stderr)")
        #expect(fixed.stdout.contains("e-mailed: ops@example.com"))
        #expect(try peers.smtp.received().count == 1)
        // The audit shows why the target moved; no password in the log.
        let audit = try await tool.run(["audit", "--data", folder.path, "--type", "ReportUploadRequested"])
        #expect(audit.stdout.contains("s3://dialer-reports/reports/dialer_2026-11-30_rpt-"))
        #expect(audit.stdout.contains("moved: the configured target is now s3://dialer-reports/"))
        let dump = try await tool.run(["events", "list", "--data", folder.path])
        #expect(!dump.stdout.contains("wrong-password-1") && !dump.stdout.contains(SMTPTestServer.password))
        let list = try await tool.run(["report", "list", "--data", folder.path, "--format", "json"])
        let entry = try #require(try JSONParser.parse(list.stdout).arrayValue?.first)
        #expect(entry["publication"]?["state"]?.stringValue == "published")
    }
}
