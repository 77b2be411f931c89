import AsyncHTTPClient
import DialerCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Tracing

/// One call as the transport sends it.
struct CXoneCall: Sendable {
    /// The endpoint's name, for errors and logs.
    var endpoint: String
    var method: HTTPMethod
    var url: String
    /// The path as configured, `{campaignId}` unfilled and no query: what the call's span names (the URL's
    /// query and the request's headers and body are never traced).
    var template: String
    var headers: HTTPHeaders = [:]
    var body: [UInt8]?
    /// Sent as `Idempotency-Key`; makes a POST safe to repeat.
    var idempotencyKey: String?
    /// Safe to repeat whatever the method (the token request).
    var repeatable = false

    /// Whether a transport error or a 5xx may be retried: GET, or a request the server deduplicates.
    var retriesOnFailure: Bool { method == .GET || method == .HEAD || idempotencyKey != nil || repeatable }
}

/// A successful answer.
struct CXoneReply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Attempts it took.
    var attempts: Int
}

/// Why a 2xx answer cannot be used: its body is not the endpoint's documented shape.
struct MalformedBody: Error {
    var reason: String
}

/// The one transport policy of every CXone call: bearer token, 401 → one refresh and one retry, 429 and
/// 503 after `Retry-After`, backoff with full jitter otherwise, bounded attempts and total time.
struct CXoneTransport: Sendable {
    let http: HTTPClient
    let configuration: CXoneConfiguration
    let clock: any CXoneClock
    let unitRandom: @Sendable () -> Double
    let logger: Logger
    /// The largest body read.
    static let maxBody = 16 << 20

    /// Sends `call`, with a bearer token from `tokens` when given, and returns the first 2xx answer that
    /// `decode` can read. A 2xx whose body `decode` refuses is retried as a 5xx is. Traced as one client span
    /// (`METHOD template`) with the last status and the number of attempts repeated; an error status when it
    /// throws.
    func send<Value>(
        _ call: CXoneCall, tokens: TokenProvider?, decode: (CXoneReply) throws(MalformedBody) -> Value
    ) async throws -> Value {
        try await withSpan("\(call.method.rawValue) \(call.template)", ofKind: .client) { span in
            span.attributes["http.request.method"] = call.method.rawValue
            span.attributes["url.template"] = call.template
            span.attributes["dialer_ledger.cxone.endpoint"] = call.endpoint
            if let key = call.idempotencyKey { span.attributes["dialer_ledger.idempotency_key"] = key }
            return try await attempts(call, tokens: tokens, span: span, decode: decode)
        }
    }

    /// `send`'s attempts, each noted on `span`.
    private func attempts<Value>(
        _ call: CXoneCall, tokens: TokenProvider?, span: any Span,
        decode: (CXoneReply) throws(MalformedBody) -> Value
    ) async throws -> Value {
        let started = clock.now()
        var attempt = 0
        var refreshedAfter401 = false
        var last = LastAnswer()
        while true {
            attempt += 1
            span.attributes["http.request.resend_count"] = attempt > 1 ? attempt - 1 : nil
            let token = try await tokens?.token()
            let response: Response
            do {
                response = try await execute(call, token: token, elapsed: clock.now().duration(since: started))
            } catch let error where !(error is CancellationError) {
                count(CXoneMetrics.calls, call, status: nil)
                guard call.retriesOnFailure else {
                    throw await failure(call, .transport(String(describing: error)), attempt, LastAnswer(), tokens)
                }
                last = LastAnswer(status: nil, body: Array(String(describing: error).utf8))
                try await wait(call, attempt: attempt, since: started, retryAfter: nil, last, tokens)
                continue
            }
            count(CXoneMetrics.calls, call, status: response.status)
            span.attributes["http.response.status_code"] = response.status
            last = LastAnswer(status: response.status, body: response.body)
            if (200..<300).contains(response.status) {
                let reply = CXoneReply(
                    status: response.status, headers: response.headers, body: response.body, attempts: attempt)
                do throws(MalformedBody) {
                    return try decode(reply)
                } catch {
                    last.malformation = error.reason
                    guard call.retriesOnFailure else {
                        throw await failure(call, .status(response.status), attempt, last, tokens)
                    }
                    try await wait(call, attempt: attempt, since: started, retryAfter: nil, last, tokens)
                    continue
                }
            }
            let retryAfter: Duration?
            switch response.status {
            case 401 where token != nil && !refreshedAfter401:
                refreshedAfter401 = true
                await tokens?.invalidate(token!)
                count(CXoneMetrics.retries, call, status: 401)
                logger.info("CXone token refused; refreshing once", metadata: ["endpoint": "\(call.endpoint)"])
                continue
            case 429, 503:
                retryAfter = RetryAfter.wait(response.headers.first(name: "Retry-After"), now: clock.now())
            case 500...599 where call.retriesOnFailure:
                retryAfter = nil
            default:
                throw await failure(call, .status(response.status), attempt, last, tokens)
            }
            try await wait(call, attempt: attempt, since: started, retryAfter: retryAfter, last, tokens)
        }
    }

    /// What the last attempt got, for the error when none follows.
    private struct LastAnswer {
        /// Its status; nil when no answer came.
        var status: Int?
        /// Its body, or the transport error's text.
        var body: [UInt8] = []
        /// Why a 2xx body could not be read.
        var malformation: String?
    }

    /// Sleeps before the next attempt, or throws when the policy allows none.
    private func wait(
        _ call: CXoneCall, attempt: Int, since started: Timestamp, retryAfter: Duration?, _ last: LastAnswer,
        _ tokens: TokenProvider?
    ) async throws {
        let lastStatus = last.status
        let elapsed = clock.now().duration(since: started)
        switch configuration.retry.delay(
            afterAttempt: attempt, elapsed: elapsed, retryAfter: retryAfter, unitRandom: unitRandom())
        {
        case .success(let wait):
            count(CXoneMetrics.retries, call, status: lastStatus)
            logger.info(
                "CXone call will be retried",
                metadata: [
                    "endpoint": "\(call.endpoint)", "status": "\(lastStatus.map(String.init) ?? "none")",
                    "attempt": "\(attempt)", "wait_ms": "\(wait.milliseconds)",
                ])
            try await clock.sleep(for: wait)
        case .failure(.attemptsExhausted):
            throw await failure(call, .attemptsExhausted(lastStatus: lastStatus), attempt, last, tokens)
        case .failure(.wouldExceedTotalTime(let wait)):
            throw await failure(call, .outOfTime(lastStatus: lastStatus, wait: wait), attempt, last, tokens)
        }
    }

    private func count(_ metric: String, _ call: CXoneCall, status: Int?) {
        Counter(
            label: metric,
            dimensions: [
                ("endpoint", CXoneMetrics.label(endpoint: call.endpoint)),
                ("status", status.map(String.init) ?? "error"),
            ]
        )
        .increment()
    }

    private struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// One attempt, bounded by the request timeout and what is left of the total-time budget.
    private func execute(_ call: CXoneCall, token: AccessToken?, elapsed: Duration) async throws -> Response {
        var request = HTTPClientRequest(url: call.url)
        request.method = call.method
        request.headers = call.headers
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token.value.exposed)") }
        if let key = call.idempotencyKey { request.headers.replaceOrAdd(name: "Idempotency-Key", value: key) }
        if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let budget = min(
            configuration.requestTimeout, max(configuration.retry.maxTotalTime - elapsed, .milliseconds(1)))
        // AsyncHTTPClient logs whole response bodies (an access token among them) at trace: it logs from debug.
        var clientLogger = logger
        clientLogger.logLevel = max(logger.logLevel, .debug)
        let response = try await http.execute(
            request, timeout: .milliseconds(budget.milliseconds), logger: clientLogger)
        let body = try await response.body.collect(upTo: Self.maxBody)
        return Response(status: Int(response.status.code), headers: response.headers, body: Array(buffer: body))
    }

    private func failure(
        _ call: CXoneCall, _ kind: CXoneError.Kind, _ attempts: Int, _ last: LastAnswer, _ tokens: TokenProvider?
    ) async -> CXoneError {
        let redactor = Redactor(
            secrets: [configuration.clientSecret.exposed, configuration.accessKeySecret.exposed]
                + (await tokens?.issued ?? []))
        var kind = kind
        if case .transport(let reason) = kind { kind = .transport(redactor.redact(reason)) }
        var error = CXoneError(
            endpoint: call.endpoint, kind: kind, attempts: attempts,
            bodyExcerpt: redactor.redact(String(decoding: last.body.prefix(600), as: UTF8.self)))
        error.malformation = last.malformation.map { redactor.redact($0) }
        return error
    }
}
