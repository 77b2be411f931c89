import DialerCore

/// One HTTP request as the simulated world sees it, free of any server framework.
struct SimulatedCall: Sendable {
    var method: String
    /// The `Host` the caller addressed (`127.0.0.1:8089`): what discovery documents point back at.
    var host: String = "127.0.0.1"
    /// The path, percent-encoded as received, without the query.
    var path: String
    /// Query parameters, decoded.
    var query: [String: String] = [:]
    /// The `Authorization` header.
    var authorization: String?
    /// The `Idempotency-Key` header.
    var idempotencyKey: String?
    var body: [UInt8] = []
}

/// One HTTP answer of the simulated world.
struct SimulatedAnswer: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var contentType: String = "application/json"
    var body: [UInt8] = []
    /// The schedule id created or returned again, for the request record.
    var scheduleID: String?

    /// A JSON answer.
    static func json(_ status: Int, _ value: JSONValue) -> SimulatedAnswer {
        SimulatedAnswer(status: status, body: (try? CanonicalJSON(value).bytes) ?? [])
    }

    /// The error body every endpoint uses: `{"error": code, "field": …, "reason": …}`.
    static func error(_ status: Int, _ code: String, _ input: SimulatorInputError? = nil) -> SimulatedAnswer {
        var body: [String: JSONValue] = ["error": .string(code)]
        if let input {
            body["field"] = .string(input.field)
            body["reason"] = .string(input.reason)
        }
        return json(status, .object(body))
    }
}

/// Input the simulator refuses, naming the field and the reason (sent back as a 400 or 422 body).
struct SimulatorInputError: Error, Sendable {
    var field: String
    var reason: String

    init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}
