import AsyncHTTPClient
import DialerCore
import DialerTesting
import Foundation
import Logging
import Pipelines
import ServiceLifecycle
import Testing

@testable import Server

/// Errors answered by what happened, over real HTTP on loopback: a damaged log is a 500 naming the sequence,
/// never the 404 or 422 of a request at fault.
@Suite struct APIErrorTests {
    private static let secret = "reader-secret-0123456789"
    private let now = Timestamp(milliseconds: 1_796_000_000_000)

    /// Serves the API over `store` on a free port while `body` runs.
    private func serving(_ store: any EventStore, _ body: (Int) async throws -> Void) async throws {
        let served = await ServedApplication.start { onRunning in
            HTTPServer.application(
                host: "127.0.0.1", port: 0, objects: nil, store: store,
                keys: APIKeys([APIKeys.Key(name: "dash", role: .read, secret: Self.secret)]), now: { [now] in now },
                logger: ServedApplication.quiet, onRunning: onRunning)
        }
        do { try await body(served.port) } catch {
            await served.stop()
            throw error
        }
        await served.stop()
    }

    private func get(_ port: Int, _ path: String) async throws -> (status: Int, json: JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(Self.secret)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONParser.parse(Array(buffer: body))) ?? .null)
    }

    @Test func aReportThatFailsItsSHA256CheckIsACorruptLogNotAMissingReport() async throws {
        try await serving(try await RecordedReportLog.make(at: now)) { port in
            #expect(try await get(port, "/api/v1/reports/rpt-1").status == 200)
            let missing = try await get(port, "/api/v1/reports/rpt-2")
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "not_found")
            #expect(missing.json["reason"] == "no report rpt-2 in the log")
        }
        try await serving(try await RecordedReportLog.make(at: now, recording: Array("not the chart".utf8))) { port in
            let altered = try await get(port, "/api/v1/reports/rpt-1")
            #expect(altered.status == 500)
            #expect(altered.json["error"] == "corrupt")
            let reason = altered.json["reason"]?.stringValue ?? ""
            #expect(reason.hasPrefix("log corrupt at seq 3: report rpt-1 rebuilt from the log does not match"))
        }
    }

    @Test func aStoredEventThatDoesNotDecodeIsA500NamingItsSequence() async throws {
        let store = try await RecordedReportLog.make(at: now)
        let runID = "00000000-0000-4000-8000-00000000000c"
        _ = try await store.append([
            EventDraft(
                type: "ReportGenerated", stream: "run:\(runID)",
                payload: ["report_id": "rpt-9", "run_id": .string(runID), "size": "big"])
        ])
        try await serving(store) { port in
            let answer = try await get(port, "/api/v1/reports/rpt-9")
            #expect(answer.status == 500)
            #expect(answer.json["error"] == "corrupt")
            let reason = answer.json["reason"]?.stringValue ?? ""
            #expect(reason.hasPrefix("log corrupt at seq 4: ReportGenerated payload."), "\(reason)")
        }
    }

    /// The one mapping from a category to a status.
    @Test(arguments: [
        (ErrorCategory.invalid(field: "start_date"), 422), (.notFound, 404), (.conflict, 409), (.corrupt, 500),
        (.unavailable, 503),
    ])
    func everyCategoryHasOneStatus(category: ErrorCategory, status: Int) {
        struct Failure: CategorizedError {
            let category: ErrorCategory
            var description: String { "what happened" }
        }
        let response = APIErrorMiddleware.response(Failure(category: category))
        #expect(Int(response.status.code) == status)
    }
}
