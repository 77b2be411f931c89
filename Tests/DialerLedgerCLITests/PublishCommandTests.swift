import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

@testable import Delivery

/// `report run --publish` and `report publish` as a user runs them: against moto_server in auth mode and
/// aiosmtpd with STARTTLS and AUTH, and killed between an e-mail's intent and its outcome.
@Suite(.serialized) struct PublishCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private func types(_ folder: TemporaryFolder) async throws -> [String] {
        try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events().map(\.type)
    }

    @Test func aReportIsPublishedToS3AndMailedOverSMTPWithNoSecretRecorded() async throws {
        let peers = try await PublishingPeers.start()
        defer { peers.stop() }
        let (moto, smtp, key, s3) = (peers.moto, peers.smtp, peers.key, peers.s3)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let config = folder.appending("settings.json")
        try peers.writeSettings(
            to: config, storage: #"{"key_template": "reports/{date}/{report_id}.json", "link_expires": "36h"}"#)
        let environment = peers.environment()
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--config", config, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002",
                "--from", "2026-11-30", "--to", "2026-12-01", "--publish", "--email", "ops@example.com",
            ], environment: environment)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let reportID = try #require(run.lines.first?.split(separator: " ").dropFirst().first?.dropLast())
        let objectKey = "reports/2026-11-30/\(reportID).json"
        #expect(run.stdout.contains("uploaded: s3://dialer-reports/\(objectKey)"))
        let linkLine = try #require(run.lines.first { $0.contains("link (valid until") })
        let link = try #require(linkLine.split(separator: " ").last.map(String.init))
        #expect(link.hasPrefix("\(moto.endpoint)/dialer-reports/\(objectKey)?"))
        #expect(link.contains("X-Amz-Expires=129600"))
        #expect(run.stdout.contains("e-mailed: ops@example.com"))
        // S3 holds the report's bytes, as written locally and confirmed by the HEAD the run recorded.
        let local = try Data(contentsOf: URL(fileURLWithPath: folder.appending("reports/\(reportID).json")))
        let head = try await s3.headObject(key: objectKey)
        #expect(head.sha256 == SHA256Digest.of(Array(local)).hex)
        // The JSON, the page and the CSV, each upload confirmed and recorded with the SHA-256 of the bytes S3
        // holds (read back with boto3, since moto in auth mode cannot serve presigned GETs), stored with its
        // content type, and linked.
        let uploads = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly)
            .events(EventQuery(type: "ReportUploaded")).map {
                try ReportUploaded(json: JSONParser.parse($0.payload.bytes))
            }
        let stem = "reports/2026-11-30/\(reportID)"
        #expect(uploads.map(\.address.key) == ["\(stem).json", "\(stem).html", "\(stem).csv"])
        #expect(uploads.map(\.address.bucket) == Array(repeating: "dialer-reports", count: 3))
        let contentTypes = ["application/json", "text/html; charset=utf-8", "text/csv; charset=utf-8; header=present"]
        for (uploaded, type) in zip(uploads, contentTypes) {
            let object = try await Self.s3Object(peers, key: uploaded.address.key)
            #expect(object["sha256"]?.stringValue == uploaded.sha256.hex)
            #expect(object["size"]?.intValue == Int64(uploaded.size))
            #expect(object["content_type"]?.stringValue == type)
        }
        let served = try ["page", "CSV"].map { name in
            let line = try #require(run.lines.first { $0.hasPrefix("  \(name) link: ") })
            return String(line.dropFirst("  \(name) link: ".count))
        }
        for (url, uploaded) in zip(served, uploads.dropFirst()) {
            #expect(url.hasPrefix("\(moto.endpoint)/dialer-reports/\(uploaded.address.key)?"))
            #expect(url.contains("X-Amz-Expires=129600"))
        }
        // The mail server received one message with the three links (STARTTLS is required by default, AUTH
        // configured).
        let received = try smtp.receivedFiles()
        #expect(received.count == 1)
        let mail = try await CheckedMail(file: try #require(received.first), lf: true)
        #expect(mail.problems == "")
        #expect(mail.textLinks == [served[0], served[1], link])
        // Every effect recorded, intent first; no secret, signature or password anywhere in the log.
        await #expect(
            try types(folder).suffix(11) == [
                "ReportUploadRequested", "ReportUploaded", "ReportUploadRequested", "ReportUploaded",
                "ReportUploadRequested", "ReportUploaded", "ReportLinkRequested", "ReportLinkIssued",
                "ReportEmailRequested", "ReportEmailAttempted", "ReportEmailed",
            ])
        let signature = try #require(link.split(separator: "=").last.map(String.init))
        let dump = try await tool.run(["events", "list", "--data", folder.path])
        for secret in [key.secretAccessKey, SMTPTestServer.password, signature, "X-Amz-Signature"] {
            #expect(!dump.stdout.contains(secret))
            #expect(!run.stderr.contains(secret))
        }
    }

    /// What moto holds at `key` in the peers' bucket, read with boto3: `sha256`, `size`, `content_type`.
    static func s3Object(_ peers: PublishingPeers, key: String) async throws -> JSONValue {
        let script = """
            import boto3, hashlib, json, sys
            endpoint, key_id, secret, key = sys.argv[1:]
            s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key_id, aws_secret_access_key=secret,
                              region_name="us-east-1")
            got = s3.get_object(Bucket="dialer-reports", Key=key)
            body = got["Body"].read()
            print(json.dumps({"sha256": hashlib.sha256(body).hexdigest(), "size": len(body),
                              "content_type": got["ContentType"]}))
            """
        let outcome = try await CommandLineTool.runAny(
            "/usr/bin/env",
            ["python3", "-c", script, peers.moto.endpoint, peers.key.accessKeyID, peers.key.secretAccessKey, key])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try JSONParser.parse(Array(outcome.stdout.utf8))
    }

    @Test func aRunKilledBetweenAnEmailsIntentAndItsOutcomeNeverSendsItTwice() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The mail server takes the connection and never answers; the run is killed while it waits.
        let running = try tool.start(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001", "--from", "2026-11-30",
                "--to", "2026-12-01", "--publish", "--email", "ops@example.com",
            ],
            environment: [
                "CXONE_BASE_URL": "", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "\(silent.port)",
                "SMTP_SECURITY": "none",
            ])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, await (try? types(folder).contains("ReportEmailAttempted")) != true {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(running.processIdentifier, SIGKILL)
        try await waitForExit(running)
        await #expect(try types(folder).last == "ReportEmailAttempted", "killed between the claim and its outcome")

        // The next publish (mail now to the folder) sees the claimant gone, records the outcome as unknown and
        // sends nothing.
        let resumed = try await tool.run(
            ["report", "publish", "--data", folder.path], environment: ["CXONE_BASE_URL": ""])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("outcome unknown (not sent again): ops@example.com"))
        #expect(!FileManager.default.fileExists(atPath: folder.appending("mail")))
        await #expect(try types(folder).last == "ReportEmailFailed")
        let again = try await tool.run(["report", "publish", "--data", folder.path])
        #expect(again.stdout.contains("nothing to publish"))
    }
}
