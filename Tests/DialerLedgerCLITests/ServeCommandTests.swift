import AsyncHTTPClient
import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// `dialer-ledger serve` as an operator runs it: a configured job runs on its schedule and is published,
/// the e-mailed link opens through the server, an altered one does not, and SIGTERM stops it cleanly.
@Suite struct ServeCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private func get(_ url: String) async throws -> (status: UInt, body: [UInt8]) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
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
        let deadline = Date().addingTimeInterval(60)
        func emailed() -> Bool {
            guard let store = try? LMDBEventStore(path: folder.appending("log"), access: .readOnly) else {
                return false
            }
            return (try? store.events(EventQuery(type: "ReportEmailed")).isEmpty) == false
        }
        while Date() < deadline, !emailed() { try await Task.sleep(for: .milliseconds(100)) }
        #expect(emailed(), "no job run was published: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")

        let mail = try FileManager.default.contentsOfDirectory(atPath: folder.appending("mail"))
        let message = try String(contentsOfFile: folder.appending("mail/\(try #require(mail.first))"), encoding: .utf8)
        let link = try #require(
            message.split(whereSeparator: \.isNewline).first { $0.hasPrefix("http://127.0.0.1:\(port)/objects/") }
                .map(String.init))
        let served = try await get(link)
        #expect(served.status == 200)
        let key = try #require(URLComponents(string: link)?.path.dropFirst("/objects/".count))
        #expect(served.body == Array(try Data(contentsOf: URL(fileURLWithPath: folder.appending("objects/\(key)")))))
        let altered = link.replacingOccurrences(of: "expires=", with: "expires=1")
        #expect(try await get(altered).status == 403)

        kill(server.processIdentifier, SIGTERM)
        while server.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.terminationStatus == 0)
        let log = try String(contentsOfFile: stderr, encoding: .utf8)
        #expect(log.contains("job every-2s: @every 2s"))
        #expect(log.contains("listening on http://127.0.0.1:\(port)"))
        #expect(log.hasSuffix("stopped\n"))
        let ticks = try LMDBEventStore(path: folder.appending("log"), access: .readOnly).events(
            EventQuery(type: CronTickHandled.type))
        #expect(!ticks.isEmpty)
    }
}
