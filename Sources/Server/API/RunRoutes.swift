import DialerCore
import Foundation
import HTTPTypes
import Hummingbird
import Pipelines
import Synchronization

/// `POST /api/v1/reports/dialer`: the seed's ad-hoc report. Takes `{campaign_ids, start_date, end_date}` (RFC
/// 3339; optional `time_zone` and `rules`), runs and records the report like any other run (trigger `adhoc`),
/// and answers the seed's array of `{campaign_id, data}` (with additive fields). Runs in flight are bounded, so
/// callers share the CXone rate limit; one over the bound is answered 429 with `Retry-After`.
struct RunRoutes: Sendable {
    let runner: ReportRunner
    let limits: ReportLimits
    let inFlight: Limiter

    /// At most `limit` ad-hoc runs at once.
    final class Limiter: Sendable {
        let limit: Int
        private let running = Mutex(0)
        init(limit: Int) { self.limit = limit }
        func enter() -> Bool {
            running.withLock { count in
                guard count < limit else { return false }
                count += 1
                return true
            }
        }
        func leave() { running.withLock { $0 -= 1 } }
    }

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.post("reports/dialer") { request, _ in try await run(request) }
    }

    private func run(_ request: Request) async throws -> Response {
        let report = try Self.request(try await JSONBody(request))
        do {
            try report.validate(limits)
        } catch DialerCoreError.invalidField(let field, let reason) {
            // Named as the request names them.
            let renamed =
                field.hasPrefix("campaigns")
                ? "campaign_ids" + field.dropFirst("campaigns".count) : field.hasPrefix("window") ? "end_date" : field
            throw APIError(field: renamed, reason: reason, status: .unprocessableContent)
        }
        guard inFlight.enter() else {
            var response = ErrorBody.response(
                .tooManyRequests, error: "too_many_requests",
                reason: "\(inFlight.limit) ad-hoc reports are running; try again shortly")
            response.headers[.retryAfter] = "5"
            return response
        }
        defer { inFlight.leave() }
        let outcome: ReportOutcome
        do {
            outcome = try await runner.run(report)
        } catch let failure as ReportRunFailure {
            // Recorded as a failed run; no report. CXone refusing what was asked is the request's fault, the rest not.
            var response =
                failure.refusedAsAsked
                ? ErrorBody.response(
                    .unprocessableContent, error: "unprocessable", reason: failure.description, field: "campaign_ids")
                : ErrorBody.response(.badGateway, error: "no_campaign_fetched", reason: failure.description)
            response.headers[.reportID] = failure.reportID
            return response
        }
        guard case .array(let campaigns)? = try JSONParser.parse(outcome.document)["campaigns"] else {
            throw APIError(field: "report", reason: "the chart has no campaigns array", status: .internalServerError)
        }
        var response = JSONResponse.ok(.array(campaigns))
        response.headers[.reportID] = outcome.generated.reportID
        return response
    }

    /// Reads the seed's body, naming the field at fault.
    static func request(_ body: JSONBody) throws -> ReportRequest {
        guard case .array(let ids)? = body.json["campaign_ids"] else {
            throw APIError(field: "campaign_ids", reason: "must be an array of campaign ids")
        }
        let campaigns = try ids.enumerated().map { index, id in
            guard let text = id.stringValue else {
                throw APIError(field: "campaign_ids[\(index)]", reason: "must be a string")
            }
            return text
        }
        var request = ReportRequest(
            campaigns: campaigns,
            window: ReportWindow(start: try body.instant("start_date"), end: try body.instant("end_date")))
        if let zone = try body.string("time_zone") { request.timeZone = zone }
        if let rules = try body.ruleSet("rules") { request.ruleSet = rules }
        return request
    }
}

extension HTTPField.Name {
    /// The id of the report an ad-hoc run recorded.
    static let reportID = Self("X-Report-Id")!
}
