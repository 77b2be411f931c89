import AsyncHTTPClient
import DialerCore
import DialerTesting
import EventLog
import Foundation
import NIOCore
import Testing

/// `dialer-ledger serve` as an operator runs it: a configured job runs on its schedule and is published,
/// the e-mailed link opens through the server, an altered one does not, and SIGTERM stops it cleanly.
@Suite struct ServeCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private func get(_ url: String) async throws -> (status: UInt, body: [UInt8]) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (response.status.code, Array(buffer: body))
    }

    @Test func aJobRunsIsPublishedAndItsLinkIsServedUntilSIGTERM() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try Loopback.freePort()
        let settings = """
            {"server": {"port": \(port)}, "mail": {"recipients": ["ops@example.com"]},
             "storage": {"key_template": "reports/{report_id}.json"},
             "jobs": [{"id": "every-2s", "cron": "@every 2s", "campaigns": ["CAMPAIGN_001"]}]}
            """
        try Data(settings.utf8).write(to: URL(fileURLWithPath: folder.appending("config.json")))
        let stderr = folder.appending("serve.err")
        let server = try tool.start(
            ["serve", "--data", folder.path], environment: ["CXONE_BASE_URL": ""], standardError: stderr)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        func emailed() async -> Bool {
            guard let store = try? LMDBEventStore(path: folder.appending("log"), access: .readOnly) else {
                return false
            }
            return (try? await store.events(EventQuery(type: "ReportEmailed")).isEmpty) == false
        }
        #expect(
            try await eventually(timeout: .seconds(60), poll: .milliseconds(100)) { await emailed() },
            "no job run was published: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")"
        )

        let mail = try FileManager.default.contentsOfDirectory(atPath: folder.appending("mail"))
        let message = try await CheckedMail(file: folder.appending("mail/\(try #require(mail.first))"))
        #expect(message.problems == "")
        let links = message.textLinks.filter { $0.hasPrefix("http://127.0.0.1:\(port)/objects/") }
        #expect(links.count == 3, "the page, the CSV and the JSON")
        // The e-mailed page link opens the page, as a page that may load nothing.
        let page = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: try #require(links.first)), timeout: .seconds(60))
        _ = try await page.body.collect(upTo: 1 << 22)
        #expect(page.status == .ok)
        #expect(page.headers["content-type"] == ["text/html; charset=utf-8"])
        #expect(
            page.headers["content-security-policy"]
                == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"])
        let link = try #require(links.last)
        let served = try await get(link)
        #expect(served.status == 200)
        let key = try #require(URLComponents(string: link)?.path.dropFirst("/objects/".count))
        #expect(served.body == Array(try Data(contentsOf: URL(fileURLWithPath: folder.appending("objects/\(key)")))))
        let altered = link.replacingOccurrences(of: "expires=", with: "expires=1")
        #expect(try await get(altered).status == 403)

        kill(server.processIdentifier, SIGTERM)
        try await waitForExit(server)
        #expect(server.terminationStatus == 0)
        let log = try String(contentsOfFile: stderr, encoding: .utf8)
        #expect(log.contains("job every-2s: @every 2s"))
        #expect(log.contains("listening on http://127.0.0.1:\(port)"))
        #expect(log.hasSuffix("stopped\n"))
        let ticks = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events(
            EventQuery(type: CronTickHandled.storedType))
        #expect(!ticks.isEmpty)
    }

    @Test func theAPIAnswersReadKeysAndRefusesTheRest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001", "--from", "2026-11-30", "--to",
                "2026-12-01", "--publish", "--email", "ops@example.com",
            ], environment: ["CXONE_BASE_URL": ""])
        #expect(run.status == 0, "\(run.stderr)")
        let reportID = try #require(run.lines.first?.split(separator: " ").dropFirst().first?.dropLast())
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        let (reader, runner) = (ServedAPI.reader, ServedAPI.runner)
        func get(_ path: String, key: String?) async throws -> ServedAPI.Answer { try await api.get(path, key: key) }
        func post(_ path: String, _ body: String, key: String) async throws -> ServedAPI.Answer {
            try await api.post(path, body, key: key)
        }
        let base = "/api/v1"
        let document = try await get("/openapi.yaml", key: nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        #expect(document.status == 200)
        #expect(
            document.body
                == (try String(contentsOf: root.appendingPathComponent("Schemas/openapi.yaml"), encoding: .utf8)))
        let ready = try await get("/readyz", key: nil)
        #expect(ready.status == 200)
        let readiness = try JSONParser.parse(Array(ready.body.utf8))
        #expect(readiness["status"]?.stringValue == "ready")
        #expect(readiness["checks"]?["cxone_token"]?["ok"] == .bool(true))
        #expect(readiness["checks"]?["log"]?["ok"] == .bool(true))
        let anonymous = try await get(base + "/reports", key: nil)
        #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try await get(base + "/reports", key: "wrong-secret-0123456789").status == 401)

        let list = try JSONParser.parse(Array(try await get(base + "/reports", key: reader).body.utf8))
        guard case .array(let reports)? = list["reports"] else {
            Issue.record("no reports array")
            return
        }
        #expect(reports.compactMap { $0["report_id"]?.stringValue } == [String(reportID)])
        let chart = try await get(base + "/reports/\(reportID)", key: reader)
        let written = try String(contentsOfFile: folder.appending("reports/\(reportID).json"), encoding: .utf8)
        #expect(chart.status == 200 && chart.body == written, "the chart as recorded, byte for byte")
        let recorded = try #require(reports.first?["sha256"]?.stringValue)
        #expect(SHA256Digest.of(Array(chart.body.utf8)).hex == recorded, "the SHA-256 its e-mails name")
        #expect(reports.first?["publication"]?["state"]?.stringValue == "published")
        #expect(try await get(base + "/reports/rpt-nope", key: reader).status == 404)

        let csv = try await get(base + "/audit?format=csv&type=ReportEmailed", key: reader)
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.body.contains("ReportEmailed") && csv.body.contains("ops@example.com"))
        let page = try JSONParser.parse(Array(try await get(base + "/audit?limit=2", key: reader).body.utf8))
        guard case .array(let effects)? = page["effects"] else {
            Issue.record("no effects array")
            return
        }
        #expect(effects.count == 2 && page["next_after"]?.intValue == effects.last?["seq"]?.intValue)
        let bad = try await get(base + "/audit?limit=0", key: reader)
        #expect(bad.status == 400)
        #expect(try JSONParser.parse(Array(bad.body.utf8))["field"]?.stringValue == "limit")
        let eventsAnswer = try await get(base + "/events?limit=3", key: reader)
        let events = try JSONParser.parse(Array(eventsAnswer.body.utf8))
        guard case .array(let envelopes)? = events["events"] else {
            Issue.record("no events array")
            return
        }
        #expect(envelopes.compactMap { $0["seq"]?.intValue } == [1, 2, 3] && events["next_after"]?.intValue == 3)
        // The page holds each event's canonical envelope, the bytes its hash covers, as `events list` prints them.
        let listed = try await tool.run(["events", "list", "--data", folder.path, "--limit", "3"]).lines
        #expect(eventsAnswer.body == #"{"events":["# + listed.joined(separator: ",") + #"],"next_after":3}"# + "\n")
        #expect(try await get(base + "/campaigns/CAMPAIGN_001/completion", key: reader).status == 404)

        // The seed's ad-hoc report: a run key runs and records it; a read key may not.
        let seedBody =
            #"{"campaign_ids":["CAMPAIGN_002","CAMPAIGN_003"],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#
        #expect(try await post(base + "/reports/dialer", seedBody, key: reader).status == 403)
        let adhoc = try await post(base + "/reports/dialer", seedBody, key: runner)
        #expect(adhoc.status == 200, "\(adhoc.body)")
        guard case .array(let charts) = try JSONParser.parse(Array(adhoc.body.utf8)) else {
            Issue.record("not the seed's array")
            return
        }
        #expect(charts.compactMap { $0["campaign_id"]?.stringValue } == ["CAMPAIGN_002", "CAMPAIGN_003"])
        #expect(charts.allSatisfy { if case .array(let data)? = $0["data"] { !data.isEmpty } else { false } })
        let adhocID = try #require(adhoc.headers["x-report-id"])
        #expect(try await get(base + "/reports/\(adhocID)", key: reader).status == 200, "recorded like any run")
        // The same report as a page or a CSV, by Accept or ?format=; JSON stays the default.
        let pageAnswer = try await api.get(base + "/reports/\(adhocID)", key: reader, accept: "text/html,*/*;q=0.8")
        #expect(pageAnswer.status == 200 && pageAnswer.headers["content-type"] == "text/html; charset=utf-8")
        #expect(
            pageAnswer.headers["content-security-policy"]
                == "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        #expect(pageAnswer.body.hasPrefix("<!DOCTYPE html>") && pageAnswer.body.contains(adhocID))
        let csvAnswer = try await api.get(base + "/reports/\(adhocID)?format=csv", key: reader, accept: "text/html")
        #expect(csvAnswer.status == 200 && csvAnswer.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csvAnswer.body.hasPrefix("campaign_id,timestamp,calls_attempted,"))
        let json = try await api.get(base + "/reports/\(adhocID)", key: reader, accept: "*/*")
        #expect(json.headers["content-type"] == "application/json" && json.headers["vary"] == "Accept")
        #expect(try await api.get(base + "/reports/\(adhocID)", key: reader, accept: "image/png").status == 406)
        let unknown = try await api.get(base + "/reports/\(adhocID)?format=pdf", key: reader)
        #expect(unknown.status == 400 && unknown.body.contains(#""field":"format""#))
        for (body, status, field) in [
            ("not json", 400, "body"), (#"{"campaign_ids":"C1"}"#, 400, "campaign_ids"),
            (#"{"campaign_ids":["C1"],"start_date":"yesterday","end_date":"2026-11-30T00:00:00Z"}"#, 400, "start_date"),
            // Refused, not moved: month 13 is not January, year 0001 is before the Gregorian calendar.
            (
                #"{"campaign_ids":["C1"],"start_date":"2026-13-01T00:00:00Z","end_date":"2027-01-02T00:00:00Z"}"#, 400,
                "start_date"
            ),
            (
                #"{"campaign_ids":["C1"],"start_date":"0001-01-01T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#, 400,
                "start_date"
            ),
            (
                #"{"campaign_ids":["C1"],"start_date":"2026-11-30T00:00:00Z","end_date":"2026-11-29T00:00:00Z"}"#, 422,
                "end_date"
            ),
            (
                #"{"campaign_ids":[],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#, 422,
                "campaign_ids"
            ),
        ] {
            let answer = try await post(base + "/reports/dialer", body, key: runner)
            #expect(answer.status == UInt(status), "\(body): \(answer.body)")
            #expect(try JSONParser.parse(Array(answer.body.utf8))["field"]?.stringValue == field, "\(body)")
        }
        let huge = try await post(
            base + "/reports/dialer", String(repeating: " ", count: 70_000) + "{}", key: runner)
        #expect(huge.status == 413)
        #expect(try await api.stop() == 0)
    }
}
