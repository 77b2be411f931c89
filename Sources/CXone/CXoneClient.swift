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
        // The transport traces each call itself (path template, no query); AsyncHTTPClient's spans record URLs.
        http.tracing.tracer = nil
        let transport = CXoneTransport(
            http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http), configuration: configuration,
            clock: clock, unitRandom: unitRandom, logger: logger)
        self.configuration = configuration
        self.transport = transport
        tokens = TokenProvider(configuration: configuration, clock: clock) {
            try await Self.requestToken(over: transport)
        }
    }

    /// One token request under `transport`'s policy.
    private static func requestToken(over transport: CXoneTransport) async throws -> TokenResponse {
        try await transport.send(TokenRequest.call(transport.configuration), tokens: nil) {
            reply throws(MalformedBody) in
            do throws(TokenBodyError) {
                return try TokenResponse(body: reply.body)
            } catch {
                throw MalformedBody(reason: error.reason)
            }
        }
    }

    /// Whether a token is obtainable now, for readiness probes: the cached token while it is good, else one
    /// token request without retries, bounded by `timeout` (a token it gets is kept for later calls).
    public func checkToken(within timeout: Duration) async throws {
        var once = configuration
        once.retry.maxAttempts = 1
        once.retry.maxTotalTime = timeout
        once.requestTimeout = timeout
        let transport = CXoneTransport(
            http: transport.http, configuration: once, clock: transport.clock, unitRandom: transport.unitRandom,
            logger: transport.logger)
        _ = try await tokens.token(fetchingOnce: { try await Self.requestToken(over: transport) })
    }

    /// Closes connections; the client is unusable afterwards.
    public func shutdown() async throws { try await transport.http.shutdown() }

    /// A token good for now (cached, refreshed before expiry); exposed for diagnostics and tests.
    public func accessToken() async throws -> AccessToken { try await tokens.token() }

    /// The hourly report of `campaignID` for [start, end): `GET …/report?start_date&end_date&interval=HOURLY`,
    /// in consecutive parts of at most `maxReportHours` when the window is longer (a 31-day month with a
    /// fall-back day is 745 hours), their rows joined in order and their requests space-separated.
    public func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        let most = max(configuration.maxReportHours, 1) * 3_600_000
        guard end.milliseconds - start.milliseconds > most else {
            return try await reportPart(campaignID: campaignID, start: start, end: end)
        }
        var parts: [MetricPage] = []
        var from = start
        while from < end {
            let to = Timestamp(milliseconds: min(from.milliseconds + most, end.milliseconds))
            parts.append(try await reportPart(campaignID: campaignID, start: from, end: to))
            from = to
        }
        return MetricPage(
            campaignID: campaignID, request: parts.map(\.request).joined(separator: " "),
            status: parts[parts.count - 1].status, rows: parts.flatMap(\.rows))
    }

    /// One report request.
    private func reportPart(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        let endpoint = "campaign report"
        let query = "start_date=\(start.rfc3339Seconds)&end_date=\(end.rfc3339Seconds)&interval=HOURLY"
        let path = try path(configuration.paths.campaignReport, campaignID: campaignID, endpoint: endpoint)
        let call = CXoneCall(
            endpoint: endpoint, method: .GET, url: configuration.baseURL + path + "?" + query,
            template: configuration.paths.campaignReport)
        return try await transport.send(call, tokens: tokens) { reply throws(MalformedBody) in
            guard case .array(let rows) = try Self.json(reply) else {
                throw MalformedBody(reason: "expected a JSON array of rows")
            }
            guard rows.allSatisfy({ if case .object = $0 { true } else { false } }) else {
                throw MalformedBody(reason: "a row is not a JSON object")
            }
            return MetricPage(campaignID: campaignID, request: path + "?" + query, status: reply.status, rows: rows)
        }
    }

    /// Submits a schedule (`POST …/schedules`). With an `idempotencyKey` a failed attempt is retried and the
    /// server returns the same schedule; without one, nothing is retried after the request may have arrived.
    public func submitSchedule(campaignID: String, schedule: JSONValue, idempotencyKey: String?) async throws
        -> ScheduleReceipt
    {
        let endpoint = "schedule submission"
        let path = try path(configuration.paths.schedules, campaignID: campaignID, endpoint: endpoint)
        var call = CXoneCall(
            endpoint: endpoint, method: .POST, url: configuration.baseURL + path,
            template: configuration.paths.schedules)
        call.headers.add(name: "Content-Type", value: "application/json")
        call.body = try CanonicalJSON(schedule).bytes
        call.idempotencyKey = idempotencyKey
        return try await transport.send(call, tokens: tokens) { reply throws(MalformedBody) in
            let id: String
            switch try Self.json(reply)["id"] {
            case .string(let text)? where !text.isEmpty: id = text
            case .int(let number)?: id = String(number)
            default: throw MalformedBody(reason: "no schedule id")
            }
            return ScheduleReceipt(scheduleID: id, status: reply.status, attempts: reply.attempts)
        }
    }

    /// Runs an outbound analytics query to its last page (`POST …/details/query`, following `page`
    /// and `totalPages`). The query is read-only, so it is retried like a GET.
    public func analytics(_ query: AnalyticsQuery) async throws -> AnalyticsResult {
        let endpoint = "outbound analytics"
        var pages: [AnalyticsPage] = []
        var page = 1
        while true {
            var call = CXoneCall(
                endpoint: endpoint, method: .POST, url: configuration.baseURL + configuration.paths.analytics,
                template: configuration.paths.analytics)
            call.headers.add(name: "Content-Type", value: "application/json")
            call.body = try CanonicalJSON(query.body(page: page)).bytes
            call.repeatable = true
            let read = try await transport.send(call, tokens: tokens) { [page] reply throws(MalformedBody) in
                let body = try Self.json(reply)
                guard case .array(let rows)? = body["data"] else { throw MalformedBody(reason: "no data array") }
                guard let totalPages = body["totalPages"]?.intValue, totalPages >= 0 else {
                    throw MalformedBody(reason: "no totalPages")
                }
                if let echoed = body["page"]?.intValue, echoed != page {
                    throw MalformedBody(reason: "asked for page \(page), got page \(echoed)")
                }
                guard totalPages <= AnalyticsQuery.maxPages else {
                    throw MalformedBody(reason: "totalPages \(totalPages) is more than \(AnalyticsQuery.maxPages)")
                }
                return AnalyticsPage(page: page, totalPages: Int(totalPages), rows: rows)
            }
            pages.append(read)
            if page >= read.totalPages { return AnalyticsResult(pages: pages) }
            page += 1
        }
    }

    /// The body as JSON, when it is declared and parses as JSON.
    private static func json(_ reply: CXoneReply) throws(MalformedBody) -> JSONValue {
        if let type = reply.headers.first(name: "Content-Type"), !type.lowercased().contains("json") {
            throw MalformedBody(reason: "Content-Type is \(type), not JSON")
        }
        do {
            return try JSONParser.parse(reply.body)
        } catch {
            throw MalformedBody(reason: "not valid JSON (\(error))")
        }
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
