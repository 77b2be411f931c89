import Foundation

/// Where one report's publication stands, folded from its recorded effects: the plan, the confirmed
/// upload, the link, and each recipient's e-mail. Pure; the publisher resumes from it after a crash.
public struct Publication: Sendable {
    /// The upload intent, which also holds the plan (link lifetime, recipients).
    public var requested: ReportUploadRequested?
    /// The sequence of the upload intent (0 until known).
    public var requestedSeq: UInt64 = 0
    /// The event ids of the upload and link intents, which their outcomes name as their cause.
    public var requestedID: UUID?
    public var linkRequestedID: UUID?
    public var uploaded: ReportUploaded?
    /// Upload attempts that failed.
    public var uploadFailures: [ReportUploadFailed] = []
    public var linkRequested: ReportLink?
    public var linkIssued: ReportLink?
    /// Per recipient (lower-cased address).
    public var emails: [String: Email] = [:]

    /// One recipient's e-mail: its intent and every outcome recorded for it.
    public struct Email: Sendable {
        public var requested: ReportEmailRequested
        /// The intent's event id.
        public var requestedID: UUID?
        public var outcomes: [ReportEmailOutcome] = []

        /// The final outcome (accepted, refused or unknown), if there is one.
        public var final: ReportEmailOutcome? { outcomes.last { $0.result != .notSent } }
    }

    /// An empty publication.
    public init() {}

    /// Folds event `seq` (id `id`) of the report's run; events of other types or reports are ignored.
    public mutating func apply(type: String, payload: JSONValue, reportID: String, seq: UInt64, id: UUID?) throws {
        guard payload["report_id"]?.stringValue == reportID else { return }
        switch type {
        case PublicationEvent.uploadRequested:
            requested = try ReportUploadRequested(json: payload)
            requestedSeq = seq
            requestedID = id
        case PublicationEvent.uploaded: uploaded = try ReportUploaded(json: payload)
        case PublicationEvent.uploadFailed: uploadFailures.append(try ReportUploadFailed(json: payload))
        case PublicationEvent.linkRequested:
            linkRequested = try ReportLink(json: payload)
            linkRequestedID = id
        case PublicationEvent.linkIssued: linkIssued = try ReportLink(json: payload)
        case PublicationEvent.emailRequested:
            let email = try ReportEmailRequested(json: payload)
            emails[email.recipient.lowercased()] = Email(requested: email, requestedID: id)
        case PublicationEvent.emailed, PublicationEvent.emailFailed:
            let outcome = try ReportEmailOutcome(json: payload)
            emails[outcome.recipient.lowercased()]?.outcomes.append(outcome)
        default: break
        }
    }

    /// Whether every planned effect has its final outcome (an e-mail that failed `maxEmailAttempts` times
    /// without being handed over counts as given up).
    public func isComplete(maxEmailAttempts: Int) -> Bool {
        guard let requested, uploaded != nil, linkIssued != nil else { return false }
        return requested.recipients.allSatisfy { recipient in
            guard let email = emails[recipient.lowercased()] else { return false }
            return email.final != nil || email.outcomes.count >= maxEmailAttempts
        }
    }
}
