import DialerCore
import Foundation
import HTTPTypes
import Hummingbird
import Pipelines

/// The read-only API over the log: reports, the audit trail, campaign completion and the raw events.
struct ReadRoutes: Sendable {
    let store: any EventStore

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.get("reports") { request, _ in try await reports(request) }
        group.get("reports/:id") { request, context in
            try await report(context.parameters.get("id") ?? "", request)
        }
        group.get("audit") { request, _ in try await audit(request) }
        group.get("campaigns/:id/completion") { request, context in
            try await completion(context.parameters.get("id") ?? "", request)
        }
        group.get("events") { request, _ in try await events(request) }
    }

    /// `GET /api/v1/reports?after=SEQ&limit=N`: generated reports, oldest first, with the cursor of the next page.
    private func reports(_ request: Request) async throws -> Response {
        let query = try Query(request)
        let (after, limit) = (try query.seq("after") ?? 0, try query.limit())
        let (items, more) = try await store.withSnapshot { snapshot in
            var items: [JSONValue] = []
            var more = false
            try snapshot.scanInPlace(EventQuery(type: ReportEvent.generated, afterSeq: after)) { view in
                let payload = try DialerCoreError.readingStored(seq: view.seq, type: view.type) {
                    try JSONParser.parse(Array(view.payloadBytes))
                }
                guard payload["run_id"] != nil else { return true }
                if items.count == limit {
                    more = true
                    return false
                }
                var fields: [String: JSONValue] = [
                    "seq": .int(Int64(view.seq)), "recorded_at": .string(view.recordedAt.rfc3339),
                ]
                for key in ["report_id", "run_id", "as_of_seq", "rule_set", "sha256", "size", "failed"] {
                    fields[key] = payload[key]
                }
                let publication =
                    try payload["report_id"]?.stringValue.map {
                        try ReportDirectory.publication($0, snapshot: snapshot)
                    }
                    ?? Publication()
                fields["publication"] =
                    PublicationStatus(publication, maxEmailAttempts: PublishSettings.defaultMaxEmailAttempts).json
                items.append(.object(fields))
                return true
            }
            return (items, more)
        }
        let next = more ? items.last?["seq"] ?? .null : .null
        return JSONResponse.ok(["reports": .array(items), "next_after": next])
    }

    /// `GET /api/v1/reports/{id}[?format=json|html|csv]`: the chart JSON as recorded (rebuilt from the log,
    /// checked against its SHA-256), or the page or CSV rendered from the same content, as `Accept` or
    /// `format` asks.
    private func report(_ id: String, _ request: Request) async throws -> Response {
        let format = try ReportNegotiation.format(
            override: try Query(request).string("format"), accept: request.headers[.accept])
        let report = try await RecordedReport.read(reportID: id, store: store)
        var response = JSONResponse.bytes(try report.bytes(format))
        response.headers[.contentType] = format.mediaType
        response.headers[.vary] = "Accept"
        if format == .html { response.headers[.contentSecurityPolicy] = ReportPage.contentSecurityPolicy }
        return response
    }

    /// `GET /api/v1/audit?campaign&type&from&to&after&limit&format=json|csv`: every effect, oldest first.
    private func audit(_ request: Request) async throws -> Response {
        let query = try Query(request)
        var filter = AuditTrail.Filter()
        filter.afterSeq = try query.seq("after") ?? 0
        let limit = try query.limit()
        filter.campaign = query.string("campaign")
        filter.type = query.string("type")
        if let type = filter.type, !AuditTrail.types.contains(type) {
            throw APIError(field: "type", reason: "\(type) is not an effect type")
        }
        filter.from = try query.instant("from")
        filter.to = try query.instant("to")
        let format = query.string("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw APIError(field: "format", reason: "must be json or csv")
        }
        let matching = try await store.withSnapshot { [filter] snapshot in
            try AuditTrail.read(snapshot, filter: filter, limit: limit + 1)
        }
        let page = Array(matching.prefix(limit))
        let next = matching.count > limit ? page.last.map { JSONValue.int(Int64($0.seq)) } ?? .null : .null
        if format == "csv" {
            var response = JSONResponse.bytes(Array(AuditTrail.csv(page).utf8))
            response.headers[.contentType] = "text/csv; charset=utf-8"
            if case .int(let cursor) = next { response.headers[HTTPField.Name.nextAfter] = String(cursor) }
            return response
        }
        return JSONResponse.ok(["effects": .array(page.map(\.json)), "next_after": next])
    }

    /// `GET /api/v1/campaigns/{id}/completion?as_of=seq:N|INSTANT`.
    private func completion(_ campaign: String, _ request: Request) async throws -> Response {
        let query = try Query(request)
        let asOf = try query.string("as_of").map { text in
            do { return try AsOf(parsing: text, field: "as_of") } catch {
                throw APIError(field: "as_of", reason: "\(error)")
            }
        }
        let (row, through) = try await store.withSnapshot { snapshot in
            let through = try asOf?.resolve(in: snapshot) ?? snapshot.lastSequence()
            return (try CompletionProjection.read(snapshot, campaign: campaign, throughSeq: through), through)
        }
        guard let row else {
            return ErrorBody.response(
                .notFound, error: "not_found", reason: "no scheduling job for \(campaign) as of seq \(through)")
        }
        return JSONResponse.ok([
            "campaign_id": .string(row.campaignID), "job": .string(row.job), "state": .string(row.state.rawValue),
            "planned": .int(Int64(row.planned)), "submitted": .int(Int64(row.submitted)),
            "failed": .int(Int64(row.failed)), "completed": .number(row.completed),
            "expected": .int(Int64(row.expected)),
            "polls": .int(Int64(row.polls)), "webhook": row.webhook.map(JSONValue.string) ?? .null,
            "as_of_seq": .int(Int64(through)),
        ])
    }

    /// `GET /api/v1/events?after=SEQ&limit=N&type=T&stream=S`: canonical envelopes, oldest first, the page
    /// written on the store's reader thread (`EventPage`).
    private func events(_ request: Request) async throws -> Response {
        let query = try Query(request)
        let after = try query.seq("after") ?? 0
        let limit = try query.limit()
        let events = EventQuery(
            stream: query.string("stream"), type: query.string("type"), afterSeq: after, limit: limit + 1)
        return JSONResponse.bytes(try await store.withSnapshot { try EventPage.bytes($0, events, limit: limit) })
    }
}
