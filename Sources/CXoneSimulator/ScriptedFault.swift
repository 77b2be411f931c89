import DialerCore

/// The simulated endpoints, as faults and request records name them.
public enum SimulatedEndpoint: String, Sendable, CaseIterable {
    /// The OAuth2 token endpoint.
    case token
    /// `GET …/campaigns/{id}/report`.
    case report
    /// `POST …/campaigns/{id}/schedules`.
    case schedules
    /// `POST /api/v2/analytics/outbound/details/query`.
    case analytics
    /// The real profile's `/.well-known/openid-configuration` and `/.well-known/cxone-configuration`.
    case discovery
    /// The real profile's `GET …/campaigns/{id}/skills`.
    case skills
    /// The real profile's `GET …/wfm-data/skills/dialer-contacts`.
    case dialerContacts = "dialer-contacts"
    /// Any of the above (scripted faults only).
    case any
}

/// A fault answered to the next `count` requests to `endpoint`, before any real work is done (or, truncating,
/// after it): the way a test asks for "a 429 with Retry-After 2, then the real answer".
public struct ScriptedFault: Sendable, Equatable {
    /// Which requests it answers.
    public var endpoint: SimulatedEndpoint
    /// The HTTP status sent.
    public var status: Int
    /// Sent as the `Retry-After` header, verbatim (seconds or an HTTP date), when set.
    public var retryAfter: String?
    /// The body sent; nil sends `{"error":"scripted_fault","status":N}`.
    public var body: String?
    /// The `Content-Type` sent.
    public var contentType: String
    /// How many requests it answers.
    public var count: Int
    /// Whether the request is carried out and its real answer cut in half (status and body are then the
    /// real ones): a reply lost on the way back after the request took effect.
    public var truncatesRealAnswer = false

    /// The next `count` requests to `endpoint` take effect and get the first half of their real answer.
    public static func truncatedAfterEffect(endpoint: SimulatedEndpoint, count: Int = 1) -> ScriptedFault {
        var fault = ScriptedFault(endpoint: endpoint, status: 200, count: count)
        fault.truncatesRealAnswer = true
        return fault
    }

    /// A fault of `status` for the next `count` requests to `endpoint`.
    public init(
        endpoint: SimulatedEndpoint, status: Int, retryAfter: String? = nil, body: String? = nil,
        contentType: String = "application/json", count: Int = 1
    ) {
        self.endpoint = endpoint
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
        self.contentType = contentType
        self.count = count
    }

    /// Reads a fault from the JSON `POST /_sim/faults` takes:
    /// `{"endpoint":"report","status":429,"retry_after":"2","body":"…","content_type":"…","count":1}`.
    init(json: JSONValue) throws(SimulatorInputError) {
        guard case .object = json else { throw SimulatorInputError("body", "is not a JSON object") }
        guard let name = json["endpoint"]?.stringValue, let endpoint = SimulatedEndpoint(rawValue: name) else {
            let names = SimulatedEndpoint.allCases.map(\.rawValue).joined(separator: ", ")
            throw SimulatorInputError("endpoint", "must be one of \(names)")
        }
        guard let status = json["status"]?.intValue, (100...599).contains(status) else {
            throw SimulatorInputError("status", "must be an HTTP status (100...599)")
        }
        let count = json["count"]?.intValue ?? 1
        guard count >= 1 else { throw SimulatorInputError("count", "must be 1 or more") }
        self.init(
            endpoint: endpoint, status: Int(status), retryAfter: json["retry_after"]?.stringValue,
            body: json["body"]?.stringValue, contentType: json["content_type"]?.stringValue ?? "application/json",
            count: Int(count))
    }

    /// Whether it answers a request to `endpoint`.
    func answers(_ endpoint: SimulatedEndpoint) -> Bool { self.endpoint == .any || self.endpoint == endpoint }

    /// The answer it sends.
    var answer: SimulatedAnswer {
        var answer = SimulatedAnswer(
            status: status, contentType: contentType,
            body: Array((body ?? #"{"error":"scripted_fault","status":\#(status)}"#).utf8))
        if let retryAfter { answer.headers.append(("Retry-After", retryAfter)) }
        return answer
    }
}
