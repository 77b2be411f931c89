import Foundation

/// Where one report's publication stands, folded from its recorded effects: the request made with the run,
/// the plan, the confirmed uploads (the JSON, and the page and the CSV beside it), the link, and each
/// recipient's e-mail. Pure; the publisher resumes from
/// it after a crash, and `state` says what a person is told.
public struct Publication: Sendable {
    /// The request recorded with the run, when the run was asked to publish.
    public var publicationRequested: ReportPublicationRequested?
    /// The latest upload intent, which also holds the plan (link lifetime, recipients).
    public var requested: ReportUploadRequested?
    /// The sequence of the latest upload intent (0 until known).
    public var requestedSeq: UInt64 = 0
    /// The event ids of the upload and link intents, which their outcomes name as their cause.
    public var requestedID: UUID?
    public var linkRequestedID: UUID?
    /// The JSON's confirmed upload.
    public var uploaded: ReportUploaded?
    /// The page's and the CSV's uploads, by address.
    public var companions: [ObjectAddress: Companion] = [:]
    /// Upload attempts that failed, for any target and representation.
    public var uploadFailures: [ReportUploadFailed] = []
    public var linkRequested: ReportLink?
    public var linkIssued: ReportLink?
    /// Per recipient (lower-cased address).
    public var emails: [String: Email] = [:]

    /// The page's or the CSV's upload at one address: its intent (with the intent's event id) and its
    /// confirmation.
    public struct Companion: Sendable {
        public var requested: ReportUploadRequested?
        public var requestedID: UUID?
        public var uploaded: ReportUploaded?

        /// An upload nothing is recorded of yet.
        public init() {}
    }

    /// The upload of `format` (the page or the CSV) beside the planned JSON, as far as it got.
    public func companion(_ format: ReportFormat) -> Companion? {
        requested.flatMap { companions[$0.address.companion(format)] }
    }

    /// One recipient's e-mail: its intent, each claimed attempt and every outcome recorded for it.
    public struct Email: Sendable {
        public var requested: ReportEmailRequested
        /// The intent's event id.
        public var requestedID: UUID?
        /// Claimed attempts by number.
        public var attempts: [Int: ReportEmailAttempted] = [:]
        public var outcomes: [ReportEmailOutcome] = []

        /// The final outcome (accepted, refused or unknown), if there is one.
        public var final: ReportEmailOutcome? { outcomes.last { $0.result != .notSent } }

        /// What to do next about this e-mail at `now`; `claimantGone` tells whether the process that claimed an
        /// attempt is known to have ended (a process of this host that no longer runs).
        public func next(
            now: Timestamp, maxAttempts: Int, claimantGone: (ReportEmailAttempted) -> Bool = { _ in false }
        ) -> EmailStep {
            if let final { return .done(final) }
            // Before attempts were claimed, the intent itself stood for the first attempt.
            guard let last = attempts.keys.max() else {
                return outcomes.isEmpty ? .interrupted(attempt: nil) : nextAttempt(after: outcomes.count, maxAttempts)
            }
            if !outcomes.contains(where: { $0.attempt == last }) {
                let claim = attempts[last]!
                return now < claim.deadline && !claimantGone(claim) ? .inFlight(claim) : .interrupted(attempt: last)
            }
            return nextAttempt(after: last, maxAttempts)
        }

        private func nextAttempt(after last: Int, _ maxAttempts: Int) -> EmailStep {
            let counted = outcomes.filter { $0.result == .notSent && !$0.setupFailed }
            if counted.count >= maxAttempts, let final = counted.last { return .givenUp(final) }
            return .send(attempt: last + 1)
        }
    }

    /// The next step of one e-mail.
    public enum EmailStep: Sendable, Equatable {
        /// It has its final outcome.
        case done(ReportEmailOutcome)
        /// Claim this attempt and send.
        case send(attempt: Int)
        /// Another process holds this attempt, which has not reached its deadline.
        case inFlight(ReportEmailAttempted)
        /// This attempt (nil: the intent of a log from before claims) began and has no outcome: unknown,
        /// never sent again.
        case interrupted(attempt: Int?)
        /// Every attempt allowed failed before the message was handed over.
        case givenUp(ReportEmailOutcome)
    }

    /// An empty publication.
    public init() {}

    /// Folds event `seq` (id `id`) of the report's run; events of other types or reports are ignored.
    public mutating func apply(type: String, payload: JSONValue, reportID: String, seq: UInt64, id: UUID?) throws {
        guard payload["report_id"]?.stringValue == reportID else { return }
        switch type {
        case PublicationEvent.requested: publicationRequested = try ReportPublicationRequested(json: payload)
        case PublicationEvent.uploadRequested:
            let intent = try ReportUploadRequested(json: payload)
            guard intent.representation == .json else {
                companions[intent.address, default: Companion()].requested = intent
                companions[intent.address, default: Companion()].requestedID = id
                return
            }
            requested = intent
            requestedSeq = seq
            requestedID = id
        case PublicationEvent.uploaded:
            let confirmed = try ReportUploaded(json: payload)
            guard confirmed.representation == .json else {
                companions[confirmed.address, default: Companion()].uploaded = confirmed
                return
            }
            uploaded = confirmed
        case PublicationEvent.uploadFailed: uploadFailures.append(try ReportUploadFailed(json: payload))
        case PublicationEvent.linkRequested:
            linkRequested = try ReportLink(json: payload)
            linkRequestedID = id
        case PublicationEvent.linkIssued: linkIssued = try ReportLink(json: payload)
        case PublicationEvent.emailRequested:
            let email = try ReportEmailRequested(json: payload)
            emails[email.recipient.lowercased()] = Email(requested: email, requestedID: id)
        case PublicationEvent.emailAttempted:
            let attempt = try ReportEmailAttempted(json: payload)
            emails[attempt.recipient.lowercased()]?.attempts[attempt.attempt] = attempt
        case PublicationEvent.emailed, PublicationEvent.emailFailed:
            let outcome = try ReportEmailOutcome(json: payload)
            emails[outcome.recipient.lowercased()]?.outcomes.append(outcome)
        default: break
        }
    }

    /// Who the link goes to: the plan's recipients, else the request's.
    public var recipients: [String] { requested?.recipients ?? publicationRequested?.recipients ?? [] }

    /// Whether every planned effect has its final outcome: the JSON, the page and the CSV confirmed, the link
    /// issued, and each e-mail done (one that failed `maxEmailAttempts` times before the message was handed
    /// over counts as given up).
    public func isComplete(maxEmailAttempts: Int) -> Bool {
        guard requested != nil, uploaded != nil, linkIssued != nil,
            ReportFormat.companions.allSatisfy({ companion($0)?.uploaded != nil })
        else { return false }
        return recipients.allSatisfy { recipient in
            guard let email = emails[recipient.lowercased()] else { return false }
            switch email.next(now: Timestamp(milliseconds: 0), maxAttempts: maxEmailAttempts) {
            case .done, .givenUp: return true
            case .send, .inFlight, .interrupted: return false
            }
        }
    }
}
