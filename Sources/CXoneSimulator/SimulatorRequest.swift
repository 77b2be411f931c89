import DialerCore

/// One request the simulator received, as tests and `GET /_sim/requests` see it: never a secret or token.
public struct SimulatorRequest: Sendable, Equatable {
    /// How the caller authenticated.
    public enum Authorization: String, Sendable {
        /// HTTP Basic client credentials (token endpoint).
        case basic
        /// `client_id` and `client_secret` form fields (token endpoint).
        case form
        /// A bearer token.
        case bearer
        /// None.
        case none
    }

    /// `GET`, `POST`, …
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The endpoint it reached; nil for an unknown path.
    public var endpoint: SimulatedEndpoint?
    /// The `Idempotency-Key` header, when sent.
    public var idempotencyKey: String?
    /// When it arrived, by the simulator's clock.
    public var receivedAt: Timestamp
    /// The status answered.
    public var status: Int
    /// The schedule id answered (schedule submissions that succeeded).
    public var scheduleID: String?
    /// How the caller authenticated.
    public var authorization: Authorization
    /// The `grant_type` of a token request (never its credentials).
    public var grant: String? = nil

    /// The JSON form `GET /_sim/requests` sends (snake_case keys).
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "method": .string(method), "path": .string(path), "received_at": .string(receivedAt.rfc3339),
            "status": .int(Int64(status)), "authorization": .string(authorization.rawValue),
        ]
        if let endpoint { object["endpoint"] = .string(endpoint.rawValue) }
        if let idempotencyKey { object["idempotency_key"] = .string(idempotencyKey) }
        if let scheduleID { object["schedule_id"] = .string(scheduleID) }
        if let grant { object["grant_type"] = .string(grant) }
        return .object(object)
    }
}
