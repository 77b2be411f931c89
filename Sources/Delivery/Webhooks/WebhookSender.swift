import AsyncHTTPClient
import DialerCore
import Foundation
import NIOCore
import NIOHTTP1

/// What one webhook attempt got: the status (nil when no answer came), the `Retry-After` it asked for, why it
/// failed when it did, and how long it took.
public struct WebhookAttemptResult: Sendable, Equatable {
    public var status: Int?
    public var retryAfter: Duration?
    /// A network error or timeout, when there was no answer.
    public var error: String?
    public var duration: Duration
}

/// Sends one Standard Webhooks delivery attempt: a JSON POST signed with the secret, `webhook-id` stable across
/// attempts, a fresh `webhook-timestamp` each time, and a request timeout (15 s by default).
public struct WebhookSender: Sendable {
    let http: HTTPClient
    public var timeout: Duration = .seconds(15)
    /// Reads the clock for the timestamp header and the duration.
    let now: @Sendable () -> Timestamp

    /// A sender on `http` (the untraced client unless given) reading `now`.
    public init(http: HTTPClient = .untraced, now: @escaping @Sendable () -> Timestamp) {
        self.http = http
        self.now = now
    }

    /// POSTs `body` to `url` as delivery `id`, signed with `secret`. Never throws for a failed delivery: the
    /// failure is in the result. Throws only when `url` is not an http(s) URL.
    public func attempt(url: String, id: String, body: [UInt8], secret: WebhookSecret) async throws
        -> WebhookAttemptResult
    {
        try Self.checkURL(url, field: "webhook_url")
        let started = now()
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dialer-ledger")
        for header in WebhookSignature.headers(
            id: id, timestamp: started.milliseconds / 1000, body: body, secret: secret)
        {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        func elapsed() -> Duration { .milliseconds(now().milliseconds - started.milliseconds) }
        do {
            let response = try await http.execute(request, timeout: .milliseconds(timeout.milliseconds))
            _ = try? await response.body.collect(upTo: 64 << 10)
            let status = Int(response.status.code)
            return WebhookAttemptResult(
                status: status,
                retryAfter: RetryAfter.wait(response.headers.first(name: "Retry-After"), now: now()), error: nil,
                duration: elapsed())
        } catch {
            return WebhookAttemptResult(
                status: nil, retryAfter: nil, error: Self.describe(error), duration: elapsed())
        }
    }

    /// Refuses `url` naming `field` unless it is an absolute http(s) URL with a host; the reason quotes only
    /// the URL's redacted form (user info and query may hold credentials).
    public static func checkURL(_ url: String, field: String) throws {
        guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            let host = parsed.host, !host.isEmpty
        else {
            throw DialerCoreError.invalidField(
                field: field, reason: "\(redacted(url)) is not an http:// or https:// URL with a host")
        }
    }

    /// `url` without user info and query, which may carry credentials.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "[unparseable URL]" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "[unparseable URL]"
    }

    /// A short reason for a failed request, without the URL's query (which could hold a token).
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout { return "timed out" }
            return "\(client)"
        }
        return String(describing: type(of: error)) + ": " + "\(error)".prefix(200)
    }
}
