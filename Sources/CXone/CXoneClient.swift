import AsyncHTTPClient
import DialerCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The CXone API: the hourly campaign report, schedule submission and the outbound analytics query,
/// over one transport policy and one token provider. Call `shutdown()` when done.
public final class CXoneClient: Sendable {
    /// The configuration it was made with.
    public let configuration: CXoneConfiguration
    private let transport: CXoneTransport
    private let tokens: TokenProvider

    /// A client for `configuration`; `clock` and `unitRandom` (jitter in [0, 1)) are injectable for tests.
    public init(
        configuration: CXoneConfiguration, clock: any CXoneClock = SystemCXoneClock(),
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "dialer-ledger.cxone")
    ) {
        var http = HTTPClient.Configuration()
        http.timeout = .init(
            connect: .milliseconds(configuration.connectTimeout.milliseconds),
            read: .milliseconds(configuration.requestTimeout.milliseconds))
        let transport = CXoneTransport(
            http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http), configuration: configuration,
            clock: clock, unitRandom: unitRandom, logger: logger)
        self.configuration = configuration
        self.transport = transport
        tokens = TokenProvider(configuration: configuration, clock: clock) {
            let reply = try await transport.send(TokenRequest.call(configuration), tokens: nil)
            do {
                return try TokenResponse(body: reply.body)
            } catch let error as TokenBodyError {
                throw CXoneError(
                    endpoint: TokenRequest.endpoint, kind: .malformedBody(error.reason), attempts: reply.attempts,
                    bodyExcerpt: "")
            }
        }
    }

    /// Closes connections; the client is unusable afterwards.
    public func shutdown() async throws { try await transport.http.shutdown() }

    /// A token good for now (cached, refreshed before expiry); exposed for diagnostics and tests.
    public func accessToken() async throws -> AccessToken { try await tokens.token() }

    /// The hourly report of `campaignID` for [start, end): `GET …/report?start_date&end_date&interval=HOURLY`.
    public func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        let endpoint = "campaign report"
        let query = "start_date=\(start.rfc3339Seconds)&end_date=\(end.rfc3339Seconds)&interval=HOURLY"
        let path = try path(configuration.paths.campaignReport, campaignID: campaignID, endpoint: endpoint)
        let call = CXoneCall(endpoint: endpoint, method: .GET, url: configuration.baseURL + path + "?" + query)
        let reply = try await transport.send(call, tokens: tokens)
        guard case .array(let rows) = try json(reply, endpoint) else {
            throw malformed(endpoint, reply, "expected a JSON array of rows")
        }
        guard rows.allSatisfy({ if case .object = $0 { true } else { false } }) else {
            throw malformed(endpoint, reply, "a row is not a JSON object")
        }
        return MetricPage(campaignID: campaignID, request: path + "?" + query, status: reply.status, rows: rows)
    }

    /// Submits a schedule (`POST …/schedules`). With an `idempotencyKey` a failed attempt is retried and the
    /// server returns the same schedule; without one, nothing is retried after the request may have arrived.
    public func submitSchedule(campaignID: String, schedule: JSONValue, idempotencyKey: String?) async throws
        -> ScheduleReceipt
    {
        let endpoint = "schedule submission"
        let path = try path(configuration.paths.schedules, campaignID: campaignID, endpoint: endpoint)
        var call = CXoneCall(endpoint: endpoint, method: .POST, url: configuration.baseURL + path)
        call.headers.add(name: "Content-Type", value: "application/json")
        call.body = try CanonicalJSON(schedule).bytes
        call.idempotencyKey = idempotencyKey
        let reply = try await transport.send(call, tokens: tokens)
        let id: String
        switch try json(reply, endpoint)["id"] {
        case .string(let text)? where !text.isEmpty: id = text
        case .int(let number)?: id = String(number)
        default: throw malformed(endpoint, reply, "no schedule id")
        }
        return ScheduleReceipt(scheduleID: id, status: reply.status, attempts: reply.attempts)
    }

    /// Runs an outbound analytics query to its last page (`POST …/details/query`, following `page`
    /// and `totalPages`). The query is read-only, so it is retried like a GET.
    public func analytics(_ query: AnalyticsQuery) async throws -> AnalyticsResult {
        let endpoint = "outbound analytics"
        var pages: [AnalyticsPage] = []
        var page = 1
        while true {
            var call = CXoneCall(
                endpoint: endpoint, method: .POST, url: configuration.baseURL + configuration.paths.analytics)
            call.headers.add(name: "Content-Type", value: "application/json")
            call.body = try CanonicalJSON(query.body(page: page)).bytes
            call.repeatable = true
            let reply = try await transport.send(call, tokens: tokens)
            let body = try json(reply, endpoint)
            guard case .array(let rows)? = body["data"] else { throw malformed(endpoint, reply, "no data array") }
            guard let totalPages = body["totalPages"]?.intValue, totalPages >= 0 else {
                throw malformed(endpoint, reply, "no totalPages")
            }
            if let echoed = body["page"]?.intValue, echoed != page {
                throw malformed(endpoint, reply, "asked for page \(page), got page \(echoed)")
            }
            guard totalPages <= AnalyticsQuery.maxPages else {
                throw malformed(endpoint, reply, "totalPages \(totalPages) is more than \(AnalyticsQuery.maxPages)")
            }
            pages.append(AnalyticsPage(page: page, totalPages: Int(totalPages), rows: rows))
            if page >= totalPages { return AnalyticsResult(pages: pages) }
            page += 1
        }
    }

    private func json(_ reply: CXoneReply, _ endpoint: String) throws -> JSONValue {
        if let type = reply.headers.first(name: "Content-Type"), !type.lowercased().contains("json") {
            throw malformed(endpoint, reply, "Content-Type is \(type), not JSON")
        }
        do {
            return try JSONParser.parse(reply.body)
        } catch {
            throw malformed(endpoint, reply, "not valid JSON (\(error))")
        }
    }

    private func malformed(_ endpoint: String, _ reply: CXoneReply, _ reason: String) -> CXoneError {
        let redactor = Redactor(secrets: [configuration.clientSecret.exposed])
        return CXoneError(
            endpoint: endpoint, kind: .malformedBody(reason), attempts: reply.attempts,
            bodyExcerpt: redactor.redact(String(decoding: reply.body.prefix(600), as: UTF8.self)))
    }

    private func path(_ template: String, campaignID: String, endpoint: String) throws -> String {
        guard !campaignID.isEmpty,
            let encoded = campaignID.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed)
        else {
            throw CXoneError(
                endpoint: endpoint, kind: .malformedBody("campaign id must not be empty"), attempts: 0, bodyExcerpt: "")
        }
        return template.replacingOccurrences(of: "{campaignId}", with: encoded)
    }
}

extension CharacterSet {
    /// Unreserved characters of RFC 3986: what a path segment or form value keeps as is.
    static let urlPathSegmentAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
