import Foundation

/// `WebhookRequested`: a job's completion webhook, once per job: its delivery id, the redacted URL and the
/// body every attempt sends.
public struct WebhookRequested: RecordedEvent, Hashable {
    public static let storedType = "WebhookRequested"
    public var deliveryID: String
    public var job: String
    /// The URL with its query and credentials redacted.
    public var url: String
    public var body: JSONValue
    /// The SHA-256 of the body's canonical bytes.
    public var bodySHA256: SHA256Digest

    /// A request with every field given.
    public init(deliveryID: String, job: String, url: String, body: JSONValue, bodySHA256: SHA256Digest) {
        self.deliveryID = deliveryID
        self.job = job
        self.url = url
        self.body = body
        self.bodySHA256 = bodySHA256
    }

    public var json: JSONValue {
        [
            "delivery_id": .string(deliveryID), "job": .string(job), "url": .string(url), "body": body,
            "body_sha256": .string(bodySHA256.hex),
        ]
    }

    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard case .object? = json["body"] else { throw read.fail("body", "must be an object") }
        self.init(
            deliveryID: try read.string("delivery_id"), job: try read.string("job"), url: try read.string("url"),
            body: json["body"]!, bodySHA256: try read.digest("body_sha256"))
    }
}

/// `WebhookAttempted`: one attempt: its number, the HTTP status (nil: no answer) or error, how long it took.
public struct WebhookAttempted: RecordedEvent, Hashable {
    public static let storedType = "WebhookAttempted"
    public var deliveryID: String
    public var attempt: Int
    /// The URL with its query and credentials redacted.
    public var url: String
    public var bodySHA256: SHA256Digest
    public var durationMilliseconds: Int64
    public var status: Int?
    public var error: String?

    /// An attempt with every field given.
    public init(
        deliveryID: String, attempt: Int, url: String, bodySHA256: SHA256Digest, durationMilliseconds: Int64,
        status: Int?, error: String?
    ) {
        self.deliveryID = deliveryID
        self.attempt = attempt
        self.url = url
        self.bodySHA256 = bodySHA256
        self.durationMilliseconds = durationMilliseconds
        self.status = status
        self.error = error
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "delivery_id": .string(deliveryID), "attempt": .int(Int64(attempt)), "url": .string(url),
            "body_sha256": .string(bodySHA256.hex), "duration_ms": .int(durationMilliseconds),
            "status": status.map { .int(Int64($0)) } ?? .null,
        ]
        if let error { fields["error"] = .string(error) }
        return .object(fields)
    }

    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            deliveryID: try read.string("delivery_id"), attempt: Int(try read.int("attempt")),
            url: try read.string("url"), bodySHA256: try read.digest("body_sha256"),
            durationMilliseconds: try read.int("duration_ms"),
            status: json["status"] == .null ? nil : Int(try read.int("status")),
            error: try read.optionalString("error"))
    }
}

/// `WebhookDelivered`: the receiver answered 2xx, after `attempts` attempts.
public struct WebhookDelivered: RecordedEvent, Hashable {
    public static let storedType = "WebhookDelivered"
    public var deliveryID: String
    public var attempts: Int
    public var status: Int

    /// A delivery with every field given.
    public init(deliveryID: String, attempts: Int, status: Int) {
        self.deliveryID = deliveryID
        self.attempts = attempts
        self.status = status
    }

    public var json: JSONValue {
        ["delivery_id": .string(deliveryID), "attempts": .int(Int64(attempts)), "status": .int(Int64(status))]
    }

    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            deliveryID: try read.string("delivery_id"), attempts: Int(try read.int("attempts")),
            status: Int(try read.int("status")))
    }
}

/// `WebhookAbandoned`: the retry schedule gave up, and why.
public struct WebhookAbandoned: RecordedEvent, Hashable {
    public static let storedType = "WebhookAbandoned"
    public var deliveryID: String
    public var attempts: Int
    public var reason: String

    /// An abandonment with every field given.
    public init(deliveryID: String, attempts: Int, reason: String) {
        self.deliveryID = deliveryID
        self.attempts = attempts
        self.reason = reason
    }

    public var json: JSONValue {
        ["delivery_id": .string(deliveryID), "attempts": .int(Int64(attempts)), "reason": .string(reason)]
    }

    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            deliveryID: try read.string("delivery_id"), attempts: Int(try read.int("attempts")),
            reason: try read.string("reason"))
    }
}
