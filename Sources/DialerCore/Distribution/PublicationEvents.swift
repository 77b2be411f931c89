import Foundation

/// The effects of publishing a report, each recorded twice: the intent before, the outcome after. All go
/// to the report run's stream, correlated with the run; idempotency keys make each intent and each
/// success at most once, so a publication resumed after a crash cannot upload, link or e-mail twice.
public enum PublicationEvent {
    /// Stored type names (each owned by its `RecordedEvent` type).
    public static let requested = ReportPublicationRequested.storedType
    public static let uploadRequested = ReportUploadRequested.storedType
    public static let uploaded = ReportUploaded.storedType
    public static let uploadFailed = ReportUploadFailed.storedType
    public static let linkRequested = ReportLinkRequested.storedType
    public static let linkIssued = ReportLinkIssued.storedType
    public static let emailRequested = ReportEmailRequested.storedType
    public static let emailAttempted = ReportEmailAttempted.storedType
    public static let emailed = ReportEmailed.storedType
    public static let emailFailed = ReportEmailFailed.storedType

    /// Every type, intents first.
    public static let types = [
        requested, uploadRequested, uploaded, uploadFailed, linkRequested, linkIssued, emailRequested, emailAttempted,
        emailed, emailFailed,
    ]
}

/// `ReportUploadRequested`: the report's bytes (by SHA-256 and size) are about to be stored at `address`;
/// the start of a publication, so it also names the plan: the link's lifetime and who gets it. A later one
/// for the same report moves an upload that never succeeded to the target configured now: it names the
/// address it `replaces` and the `reason`, so the audit shows why the target moved. The page's and the
/// CSV's uploads have intents of their own, naming their `representation` (absent for the JSON) and
/// repeating the plan.
public struct ReportUploadRequested: RecordedEvent, Hashable {
    public static let storedType = "ReportUploadRequested"
    public var reportID: String
    public var runID: UUID
    /// What is uploaded: the chart JSON (the publication's plan), or the page or the CSV beside it.
    public var representation: ReportFormat
    public var address: ObjectAddress
    public var sha256: SHA256Digest
    public var size: Int
    public var contentType: String
    /// The lifetime the link will be asked for, in seconds.
    public var linkExpiresIn: Int64
    /// Who the link will be e-mailed to.
    public var recipients: [String]
    /// The earlier target this one replaces, and why.
    public var replaces: (address: ObjectAddress, reason: String)?

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    /// A payload with every field given.
    public init(
        reportID: String, runID: UUID, address: ObjectAddress, sha256: SHA256Digest, size: Int, contentType: String,
        linkExpiresIn: Int64, recipients: [String], replaces: (address: ObjectAddress, reason: String)? = nil,
        representation: ReportFormat = .json
    ) {
        self.replaces = replaces
        self.reportID = reportID
        self.runID = runID
        self.representation = representation
        self.address = address
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.linkExpiresIn = linkExpiresIn
        self.recipients = recipients
    }

    /// At most one upload intent per report and address.
    public var idempotencyKey: String { "upload:\(reportID):\(address)" }

    /// As stored.
    public var json: JSONValue {
        var fields = address.fields.merging([
            "report_id": .string(reportID), "run_id": .string(runID.uuidString.lowercased()),
            "sha256": .string(sha256.hex), "size": .int(Int64(size)), "content_type": .string(contentType),
            "link_expires_in": .int(linkExpiresIn), "recipients": .array(recipients.map(JSONValue.string)),
        ]) { $1 }.merging(representation.payloadFields) { $1 }
        if let replaces {
            fields["replaces"] = .object(replaces.address.fields)
            fields["reason"] = .string(replaces.reason)
        }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let runID = UUID(uuidString: try read.string("run_id")) else {
            throw read.fail("run_id", "must be a UUID")
        }
        self.init(
            reportID: try read.string("report_id"), runID: runID, address: try ObjectAddress(read),
            sha256: try read.digest("sha256"), size: Int(try read.int("size")),
            contentType: try read.string("content_type"), linkExpiresIn: try read.int("link_expires_in"),
            recipients: try read.strings("recipients"),
            replaces: json["replaces"] == nil
                ? nil : (try ObjectAddress(try read.object("replaces")), try read.string("reason")),
            representation: try ReportFormat(read))
    }
}

/// `ReportUploaded`: the store holds the report (its JSON, page or CSV) at `address`, confirmed by a HEAD
/// (size and SHA-256).
public struct ReportUploaded: RecordedEvent, Hashable {
    public static let storedType = "ReportUploaded"
    public var reportID: String
    public var representation: ReportFormat
    public var address: ObjectAddress
    public var eTag: String
    public var sha256: SHA256Digest
    public var size: Int

    /// A payload with every field given.
    public init(
        reportID: String, address: ObjectAddress, eTag: String, sha256: SHA256Digest, size: Int,
        representation: ReportFormat = .json
    ) {
        self.reportID = reportID
        self.representation = representation
        self.address = address
        self.eTag = eTag
        self.sha256 = sha256
        self.size = size
    }

    /// At most one confirmed upload per report and address.
    public var idempotencyKey: String { "uploaded:\(reportID):\(address)" }

    /// As stored.
    public var json: JSONValue {
        .object(
            address.fields.merging([
                "report_id": .string(reportID), "etag": .string(eTag), "sha256": .string(sha256.hex),
                "size": .int(Int64(size)),
            ]) { $1 }.merging(representation.payloadFields) { $1 })
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            reportID: try read.string("report_id"), address: try ObjectAddress(read), eTag: try read.string("etag"),
            sha256: try read.digest("sha256"), size: Int(try read.int("size")), representation: try ReportFormat(read))
    }
}

/// `ReportUploadFailed`: one upload attempt that did not end in a confirmed object; the next run retries.
public struct ReportUploadFailed: RecordedEvent, Hashable {
    public static let storedType = "ReportUploadFailed"
    public var reportID: String
    public var representation: ReportFormat
    public var address: ObjectAddress
    public var reason: String
    /// The store's HTTP status, when it answered.
    public var status: Int?

    /// A payload with every field given.
    public init(
        reportID: String, address: ObjectAddress, reason: String, status: Int?, representation: ReportFormat = .json
    ) {
        self.reportID = reportID
        self.representation = representation
        self.address = address
        self.reason = reason
        self.status = status
    }

    /// As stored.
    public var json: JSONValue {
        .object(
            address.fields.merging([
                "report_id": .string(reportID), "reason": .string(reason),
                "status": status.map { .int(Int64($0)) } ?? .null,
            ]) { $1 }.merging(representation.payloadFields) { $1 })
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            reportID: try read.string("report_id"), address: try ObjectAddress(read), reason: try read.string("reason"),
            status: json["status"]?.intValue.map { Int($0) }, representation: try ReportFormat(read))
    }
}

/// `ReportLinkRequested` and `ReportLinkIssued`: an expiring GET link to the report, signed at `signedAt`.
/// Never the link itself nor its signature: signing reads no clock, so the link can be signed again from
/// these fields while it is valid.
public struct ReportLink: Sendable, Hashable {
    public var reportID: String
    public var address: ObjectAddress
    public var signedAt: Timestamp
    /// The lifetime asked for, in seconds.
    public var expiresIn: Int64
    /// When the link stops working (with `ReportLinkIssued`): the asked lifetime, capped at 7 days and by the
    /// credentials' own expiry.
    public var expiresAt: Timestamp?

    /// A payload with every field given.
    public init(reportID: String, address: ObjectAddress, signedAt: Timestamp, expiresIn: Int64, expiresAt: Timestamp?)
    {
        self.reportID = reportID
        self.address = address
        self.signedAt = signedAt
        self.expiresIn = expiresIn
        self.expiresAt = expiresAt
    }

    /// At most one link intent (`requested`) or issue per report and address.
    public func idempotencyKey(issued: Bool) -> String { "\(issued ? "link-issued" : "link"):\(reportID):\(address)" }

    /// As stored.
    public var json: JSONValue {
        var fields = address.fields.merging([
            "report_id": .string(reportID), "signed_at": .string(signedAt.rfc3339), "expires_in": .int(expiresIn),
        ]) { $1 }
        if let expiresAt { fields["expires_at"] = .string(expiresAt.rfc3339) }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            reportID: try read.string("report_id"), address: try ObjectAddress(read),
            signedAt: try read.instant("signed_at"), expiresIn: try read.int("expires_in"),
            expiresAt: json["expires_at"] == nil ? nil : try read.instant("expires_at"))
    }
}

/// `ReportEmailRequested`: a message with the report's link is about to be sent to one recipient. The body
/// holds the link's signature, so only its SHA-256 is recorded.
public struct ReportEmailRequested: RecordedEvent, Hashable {
    public static let storedType = "ReportEmailRequested"
    public var reportID: String
    public var recipient: String
    public var from: String
    public var subject: String
    public var messageID: String
    public var bodySHA256: SHA256Digest

    /// A payload with every field given.
    public init(
        reportID: String, recipient: String, from: String, subject: String, messageID: String, bodySHA256: SHA256Digest
    ) {
        self.reportID = reportID
        self.recipient = recipient
        self.from = from
        self.subject = subject
        self.messageID = messageID
        self.bodySHA256 = bodySHA256
    }

    /// At most one e-mail per report and recipient (the address compared without case).
    public var idempotencyKey: String { "email:\(reportID):\(recipient.lowercased())" }

    /// As stored.
    public var json: JSONValue {
        [
            "report_id": .string(reportID), "recipient": .string(recipient), "from": .string(from),
            "subject": .string(subject), "message_id": .string(messageID), "body_sha256": .string(bodySHA256.hex),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            reportID: try read.string("report_id"), recipient: try read.string("recipient"),
            from: try read.string("from"), subject: try read.string("subject"),
            messageID: try read.string("message_id"), bodySHA256: try read.digest("body_sha256"))
    }
}

/// `ReportEmailed` and `ReportEmailFailed`: what became of one e-mail. `ReportEmailed` and a final
/// `ReportEmailFailed` share one idempotency key, so an e-mail has at most one final outcome.
public struct ReportEmailOutcome: Sendable, Hashable {
    /// What is known about the message.
    public enum Result: String, Sendable, CaseIterable {
        /// The server took it (`ReportEmailed`).
        case accepted
        /// It was never handed over (no connection, or the server refused the sender or recipient with a
        /// temporary error): the next run may send it again.
        case notSent = "not_sent"
        /// The server refused it for good.
        case refused
        /// The process stopped between intent and outcome: the server may or may not have it, so it is not
        /// sent again (at most once).
        case unknown
    }

    public var reportID: String
    public var recipient: String
    public var messageID: String
    public var result: Result
    /// The server's reply, or why it failed.
    public var reply: String
    /// The attempt (`ReportEmailAttempted`) this is the outcome of; nil in logs written before attempts were
    /// claimed.
    public var attempt: Int?
    /// For `not_sent`: whether the mail setup failed (connecting, greeting, TLS, login) before the message's
    /// own envelope, which says nothing about this message: such attempts do not count against the limit,
    /// so a fixed password or server sends it.
    public var setupFailed = false

    /// A payload with every field given.
    public init(
        reportID: String, recipient: String, messageID: String, result: Result, reply: String, attempt: Int? = nil,
        setupFailed: Bool = false
    ) {
        self.reportID = reportID
        self.recipient = recipient
        self.messageID = messageID
        self.result = result
        self.reply = reply
        self.attempt = attempt
        self.setupFailed = setupFailed
    }

    /// The key of a final outcome (one per e-mail); a `not_sent` one per attempt, which may be followed by
    /// another attempt.
    public var idempotencyKey: String? {
        if result != .notSent { return "email-outcome:\(reportID):\(recipient.lowercased())" }
        return attempt.map { "email-attempt-outcome:\(reportID):\(recipient.lowercased()):\($0)" }
    }

    /// As stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "report_id": .string(reportID), "recipient": .string(recipient), "message_id": .string(messageID),
            "result": .string(result.rawValue), "reply": .string(reply),
        ]
        if let attempt { fields["attempt"] = .int(Int64(attempt)) }
        if setupFailed { fields["setup_failed"] = true }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let result = Result(rawValue: try read.string("result")) else {
            throw read.fail("result", "must be accepted, not_sent, refused or unknown")
        }
        let attempt = json["attempt"] == nil ? nil : Int(try read.int("attempt"))
        self.init(
            reportID: try read.string("report_id"), recipient: try read.string("recipient"),
            messageID: try read.string("message_id"), result: result, reply: try read.string("reply"),
            attempt: attempt, setupFailed: json["setup_failed"] == .bool(true))
    }
}

extension ReportFormat {
    /// The page and the CSV, uploaded beside the JSON, in the order they are uploaded.
    public static let companions: [ReportFormat] = [.html, .csv]

    /// The representation an upload payload names: its `representation`, absent for the JSON (and in every
    /// upload event written before the page and the CSV were published).
    init(_ read: PayloadReader) throws {
        guard let name = try read.optionalString("representation") else {
            self = .json
            return
        }
        guard let format = ReportFormat(rawValue: name), format != .json else {
            throw read.fail("representation", "must be html or csv (absent for the JSON)")
        }
        self = format
    }

    /// The field it adds to an upload payload: none for the JSON, so its events read as before.
    var payloadFields: [String: JSONValue] { self == .json ? [:] : ["representation": .string(rawValue)] }

    /// What it is called in a sentence: `JSON`, `page`, `CSV`.
    public var noun: String {
        switch self {
        case .json: "JSON"
        case .html: "page"
        case .csv: "CSV"
        }
    }
}
