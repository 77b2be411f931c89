import DialerCore
import DialerTesting
import Foundation
import Testing

/// `POST /api/v1/replay` against `dialer-ledger serve`: the same replay as `dialer-ledger replay`, byte for byte.
@Suite struct ReplayAPITests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func replaysAsTheCLIDoesAndNamesTheFieldAtFault() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002", "--from",
                "2026-11-30", "--to", "2026-12-01",
            ], environment: ["CXONE_BASE_URL": ""])
        #expect(run.status == 0, "\(run.stderr)")
        let reportID = String(try #require(run.lines.first?.split(separator: " ").dropFirst().first?.dropLast()))
        let strict = #"{"id":"strict","version":1,"min_calls":60,"gap_fill":"zero"}"#
        let strictFile = folder.appending("strict.json")
        try Data(strict.utf8).write(to: URL(fileURLWithPath: strictFile))
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        func replay(_ body: String, key: String = ServedAPI.runner) async throws -> ServedAPI.Answer {
            try await api.post("/api/v1/replay", body, key: key)
        }
        func cli(_ arguments: [String]) async throws -> String {
            let outcome = try await tool.run(["replay", "--data", folder.path, "--out", "-"] + arguments)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return outcome.stdout
        }

        let recorded = try await replay(#"{"report_id":"\#(reportID)"}"#)
        let written = try String(contentsOfFile: folder.appending("reports/\(reportID).json"), encoding: .utf8)
        #expect(recorded.status == 200 && recorded.body == written + "\n", "the recorded chart, byte for byte")
        #expect(recorded.headers["x-report-id"] == reportID && recorded.headers["x-replay-matches"] == "true")
        #expect(try await replay("{}").body == recorded.body, "the newest report by default")

        let zeroFill = try await replay(#"{"report_id":"\#(reportID)","rules":"zero-fill"}"#)
        #expect(zeroFill.status == 200 && zeroFill.body != recorded.body)
        #expect(zeroFill.body == (try await cli(["--report", reportID, "--rules", "zero-fill"])))
        let diff = try await replay(#"{"report_id":"\#(reportID)","rules":\#(strict),"diff":true}"#)
        #expect(diff.status == 200)
        let counts = [diff.json["changed"]?.intValue, diff.json["compared"]?.intValue].map { "\($0 ?? -1)" }
        #expect(diff.headers["x-replay-changed"] == counts.joined(separator: " of "))
        #expect(diff.body == (try await cli(["--report", reportID, "--rules", strictFile, "--diff"])))
        guard case .array(let changes)? = diff.json["changes"] else {
            Issue.record("no changes in \(diff.body.prefix(200))")
            return
        }
        #expect(!changes.isEmpty)
        let asOf = try await replay(#"{"as_of":"seq:2"}"#)
        #expect(asOf.status == 404 && asOf.json["reason"]?.stringValue == "no report in the log through seq 2")

        for (body, status, field) in [
            (#"{"as_of":"yesterday"}"#, 400, "as_of"), (#"{"as_of":"seq:x"}"#, 400, "as_of"),
            (#"{"report_id":"rpt-nope"}"#, 404, "report_id"), (#"{"report_id":7}"#, 400, "report_id"),
            (#"{"rules":"lenient"}"#, 422, "rules"),
            (
                #"{"rules":{"id":"x","version":1,"gap_fill":"cubic"}}"#, 422,
                "rules.gap_fill"
            ), (#"{"rules":["seed"]}"#, 400, "rules"), (#"{"diff":true}"#, 422, "diff"),
            (#"{"diff":"yes","rules":"seed"}"#, 400, "diff"), ("[1]", 400, "body"),
        ] {
            let answer = try await replay(body)
            #expect(answer.status == UInt(status), "\(body): \(answer.body)")
            #expect(answer.json["field"]?.stringValue == field, "\(body): \(answer.body)")
        }
        #expect(try await replay("{}", key: ServedAPI.reader).status == 403, "a read key may not replay")
        #expect(try await api.post("/api/v1/replay", "{}", key: nil).status == 401)
        #expect(try await api.stop() == 0)
    }
}
