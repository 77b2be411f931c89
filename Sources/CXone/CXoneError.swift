import DialerCore
import Foundation

/// A call to CXone that did not give a usable answer: which endpoint, what happened, after how many
/// attempts, and an excerpt of the body, with every secret redacted.
public struct CXoneError: CategorizedError, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The server answered with a status that is not retried (or not any more).
        case status(Int)
        /// No HTTP answer: connection refused, reset, timed out.
        case transport(String)
        /// The attempts ran out; the last answer had this status (nil: a transport error).
        case attemptsExhausted(lastStatus: Int?)
        /// The next wait would have ended past the total-time budget.
        case outOfTime(lastStatus: Int?, wait: Duration)
        /// The body could not be read as the endpoint's documented shape.
        case malformedBody(String)
    }

    /// The endpoint's name, such as `campaign report`.
    public var endpoint: String
    /// What went wrong.
    public var kind: Kind
    /// Attempts made, the first included.
    public var attempts: Int
    /// The start of the last response body, secrets redacted.
    public var bodyExcerpt: String
    /// Why the last answer, a 2xx, could not be read as the endpoint documents it (nil: it was not that).
    public var malformation: String?

    /// The last HTTP status received, when there was one.
    public var lastStatus: Int? {
        switch kind {
        case .status(let status): status
        case .attemptsExhausted(let status), .outOfTime(let status, _): status
        case .transport, .malformedBody: nil
        }
    }

    public var description: String {
        let what: String
        switch kind {
        case .status(let status): what = "answered \(answer(status))"
        case .transport(let reason): what = "could not be reached (\(reason))"
        case .attemptsExhausted(let status):
            what = "gave up after \(attempts) attempts (the attempt limit); last answer: \(answer(status))"
        case .outOfTime(let status, let wait):
            what =
                "gave up after \(attempts) attempts: waiting \(wait) more would pass the total-time limit; "
                + "last answer: \(answer(status))"
        case .malformedBody(let reason): what = "sent a body that is not what the API documents: \(reason)"
        }
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        let excerpt = bodyExcerpt.isEmpty ? "" : "; body: \(bodyExcerpt)"
        return "CXone \(endpoint) \(what) [\(tries)]\(excerpt)"
    }

    /// A 404 is something CXone does not have; every other failure is CXone not doing the work.
    public var category: ErrorCategory { lastStatus == 404 ? .notFound : .unavailable }

    /// The last answer in words: its status, and why its body could not be read when it could not.
    private func answer(_ status: Int?) -> String {
        guard let status else { return "no response" }
        guard let malformation else { return "HTTP \(status)" }
        return "HTTP \(status) with a body that is not what the API documents (\(malformation))"
    }
}

/// Removes secrets from text that may reach a log or an error: the known secret values, and anything
/// that looks like a bearer token, an access token or a client secret in JSON or a form.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// A redactor that also removes these exact values.
    public init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 4 } }

    /// `text` without secrets, cut to `limit` characters.
    public func redact(_ text: String, limit: Int = 300) -> String {
        var out = text
        for secret in secrets { out = out.replacingOccurrences(of: secret, with: "[redacted]") }
        for pattern in Self.patterns {
            out = out.replacingOccurrences(of: pattern, with: "$1[redacted]", options: .regularExpression)
        }
        return out.count > limit ? String(out.prefix(limit)) + "…" : out
    }

    private static let patterns = [
        #"((?i)bearer\s+)[A-Za-z0-9\-._~+/]+=*"#,
        #"("(?:access_token|refresh_token|id_token|client_secret)"\s*:\s*")[^"]*"#,
        #"((?:access_token|refresh_token|client_secret|password)=)[^&\s]*"#,
    ]
}
