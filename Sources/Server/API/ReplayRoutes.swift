import DialerCore
import HTTPTypes
import Hummingbird
import Pipelines

/// `POST /api/v1/replay`: `dialer-ledger replay` over HTTP (the same `ReportReplay`). Takes `{report_id?, as_of?,
/// rules?, diff?}` and answers the document the CLI writes: the chart as recorded, the chart re-derived under
/// `rules`, or with `diff` the per campaign-hour diff. Headers name the report and say whether the chart as
/// recorded reproduced its recorded SHA-256 (`X-Replay-Matches`, false where the CLI exits 1).
struct ReplayRoutes: Sendable {
    let store: any EventStore

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.post("replay") { request, _ in try await replay(request) }
    }

    private func replay(_ request: Request) async throws -> Response {
        let body = try await JSONBody(request)
        let reportID = try body.string("report_id")
        let asOf = try body.string("as_of").map { text in
            do { return try AsOf(parsing: text, field: "as_of") } catch DialerCoreError.invalidField(_, let reason) {
                throw APIError(field: "as_of", reason: reason)
            }
        }
        let rules = try body.ruleSet("rules")
        var diff = false
        if let value = body.json["diff"], value != .null {
            guard case .bool(let flag) = value else { throw APIError(field: "diff", reason: "must be true or false") }
            diff = flag
        }
        if diff, rules == nil {
            throw APIError(
                field: "diff", reason: "needs rules (the rule set to compare with)", status: .unprocessableContent)
        }
        let lookup = try await store.withSnapshot { snapshot in
            try ReportReplay.replay(reportID, asOf: asOf, rules: rules, snapshot: snapshot)
        }
        let replay: ReportReplay
        switch lookup {
        case .replayed(let found): replay = found
        case .noReport(let point):
            return ErrorBody.response(
                .notFound, error: "not_found",
                reason: reportID.map { "no report \($0) in the log through seq \(point)" }
                    ?? "no report in the log through seq \(point)",
                field: reportID == nil ? nil : "report_id")
        }
        var response = JSONResponse.bytes(try replay.document(diff: diff) + [0x0A])
        response.headers[.reportID] = replay.generated.reportID
        response.headers[.replayMatches] = replay.matchesRecording ? "true" : "false"
        if let rederived = replay.rederived {
            response.headers[.replayChanged] = "\(rederived.diff.changed) of \(rederived.diff.compared)"
        }
        return response
    }
}

extension HTTPField.Name {
    /// Whether the chart as recorded reproduced the SHA-256 recorded with the report.
    static let replayMatches = Self("X-Replay-Matches")!
    /// With rules: how many campaign-hours of the report differ under them, of how many.
    static let replayChanged = Self("X-Replay-Changed")!
}
