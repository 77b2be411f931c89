import Delivery
import DialerCore
import Foundation
import Logging

/// What a publication reached: where the report is, its link, each recipient's e-mail, what is unfinished.
public struct PublishResult: Sendable {
    public var reportID: String
    public var address: ObjectAddress
    /// The stored object, confirmed by HEAD.
    public var stored: ReportUploaded?
    /// The link (never recorded; signed again from the recorded time and lifetime).
    public var link: PresignedURL?
    /// The final outcome of each recipient's e-mail, in the plan's order.
    public var emails: [ReportEmailOutcome] = []
    /// What is not done, one line each; empty when the publication is complete.
    public var unfinished: [String] = []
}

/// Publishes recorded reports: uploads the chart bytes (rebuilt from the log and checked against the
/// recorded SHA-256), confirms them with a HEAD, issues an expiring link and e-mails it, each effect recorded
/// as an intent before and an outcome after. A publication cut short by a crash resumes from its events:
/// the upload is done again with the same bytes to the same key, the link is signed again with the recorded
/// time, and an e-mail whose outcome is unknown is not sent again.
public struct ReportPublisher: Sendable {
    let store: any EventStore
    let settings: PublishSettings
    let now: @Sendable () -> Timestamp
    let logger: Logger

    /// A publisher writing to `store`, publishing as `settings` say.
    public init(
        store: any EventStore, settings: PublishSettings, now: @escaping @Sendable () -> Timestamp,
        logger: Logger = Logger(label: "dialer-ledger.publish")
    ) {
        self.store = store
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    /// Publishes `reportID` (or resumes its publication). Throws when the report is not in the log or its
    /// bytes no longer match; effect failures are recorded and returned in `unfinished`.
    public func publish(reportID: String) async throws -> PublishResult {
        let report = try RecordedReport(reportID: reportID, store: store)
        var publication = report.publication
        let objects = settings.objects
        let address =
            publication.requested?.address
            ?? ObjectAddress(
                store: objects.kind, bucket: objects.bucket,
                key: settings.keyTemplate.key(
                    reportID: reportID, window: report.started.window,
                    timeZone: TimeZone(identifier: report.started.timeZone) ?? .gmt,
                    campaigns: report.started.campaigns))
        guard address.store == objects.kind, address.bucket == objects.bucket else {
            throw DialerCoreError.invalidField(
                field: "storage",
                reason: "report \(reportID) is being published to \(address); configure that store to finish it")
        }
        var result = PublishResult(reportID: reportID, address: address)
        let plan = try planned(report, address: address, publication: &publication)
        guard let stored = try await upload(report, plan: plan, publication: publication) else {
            result.unfinished.append("upload to \(address) failed; the next run tries again")
            return result
        }
        result.stored = stored
        let link = try issueLink(report, plan: plan, publication: &publication)
        result.link = link
        for recipient in plan.recipients {
            if let outcome = try await email(recipient, report: report, link: link, publication: publication) {
                result.emails.append(outcome)
                if outcome.result == .notSent {
                    result.unfinished.append("e-mail to \(recipient) not sent: \(outcome.reply)")
                }
            } else {
                result.unfinished.append("e-mail to \(recipient) not sent: the link expired at \(link.expiresAt)")
            }
        }
        return result
    }

    /// Finishes every publication in the configured store that a crash or a failure left unfinished. One
    /// superseded by a later report's publication to the same key is left alone (re-uploading it would
    /// overwrite the newer report).
    public func reconcile() async throws -> [PublishResult] {
        let publications = try store.withSnapshot { try RecordedReport.publications(snapshot: $0) }
        var newest: [ObjectAddress: UInt64] = [:]
        for publication in publications.values {
            guard let address = publication.requested?.address else { continue }
            newest[address] = max(newest[address] ?? 0, publication.requestedSeq)
        }
        var results: [PublishResult] = []
        for (reportID, publication) in publications.sorted(by: { $0.value.requestedSeq < $1.value.requestedSeq }) {
            guard let address = publication.requested?.address, address.store == settings.objects.kind,
                address.bucket == settings.objects.bucket,
                !publication.isComplete(maxEmailAttempts: settings.maxEmailAttempts)
            else { continue }
            guard newest[address] == publication.requestedSeq else {
                logger.warning(
                    "unfinished publication superseded by a later one to the same key; left alone",
                    metadata: ["report_id": "\(reportID)", "object": "\(address)"])
                continue
            }
            logger.info("resuming an unfinished publication", metadata: ["report_id": "\(reportID)"])
            results.append(try await publish(reportID: reportID))
        }
        return results
    }

    /// The publication's plan: the recorded intent, or a new one.
    private func planned(_ report: RecordedReport, address: ObjectAddress, publication: inout Publication) throws
        -> ReportUploadRequested
    {
        if let requested = publication.requested { return requested }
        let intent = ReportUploadRequested(
            reportID: report.generated.reportID, runID: report.generated.runID, address: address,
            sha256: report.generated.sha256, size: report.generated.size, contentType: "application/json",
            linkExpiresIn: settings.linkLifetime.components.seconds, recipients: settings.recipients)
        let appended = try record(
            PublicationEvent.uploadRequested, intent.json, report, key: intent.idempotencyKey,
            causedBy: report.generatedID)
        guard let appended else {
            // Another process planned it first: follow its plan.
            publication = try RecordedReport(reportID: report.generated.reportID, store: store).publication
            if let requested = publication.requested { return requested }
            throw DialerCoreError.invalidField(field: "report", reason: "its upload intent could not be read back")
        }
        publication.requested = intent
        publication.requestedID = appended
        return intent
    }

    /// Stores the bytes unless confirmed already, then confirms size and SHA-256 with a HEAD; nil on failure
    /// (recorded).
    private func upload(_ report: RecordedReport, plan: ReportUploadRequested, publication: Publication) async throws
        -> ReportUploaded?
    {
        if let uploaded = publication.uploaded { return uploaded }
        let address = plan.address
        do {
            let put = try await settings.objects.put(
                key: address.key, body: report.document, contentType: plan.contentType)
            let head = try await settings.objects.head(key: address.key)
            guard head.size == Int64(report.document.count), head.sha256 ?? put.sha256 == plan.sha256.hex,
                head.eTag == put.eTag
            else {
                throw DialerCoreError.invalidField(
                    field: "storage",
                    reason: "the store holds \(head.size) bytes with SHA-256 \(head.sha256 ?? "unknown") at "
                        + "\(address) after the upload, not the report's \(plan.size) bytes")
            }
            let uploaded = ReportUploaded(
                reportID: plan.reportID, address: address, eTag: head.eTag, sha256: plan.sha256, size: plan.size)
            try record(
                PublicationEvent.uploaded, uploaded.json, report, key: uploaded.idempotencyKey,
                causedBy: publication.requestedID)
            logger.info("report uploaded", metadata: ["report_id": "\(plan.reportID)", "object": "\(address)"])
            return uploaded
        } catch {
            let failed = ReportUploadFailed(
                reportID: plan.reportID, address: address, reason: "\(error)", status: (error as? S3Error)?.status)
            try record(PublicationEvent.uploadFailed, failed.json, report, causedBy: publication.requestedID)
            logger.error("report upload failed", metadata: ["report_id": "\(plan.reportID)", "error": "\(error)"])
            return nil
        }
    }

    /// The link: signed again from the recorded issue, or requested and issued now.
    private func issueLink(_ report: RecordedReport, plan: ReportUploadRequested, publication: inout Publication)
        throws -> PresignedURL
    {
        let key = plan.address.key
        if let issued = publication.linkIssued {
            return try settings.objects.link(key: key, expires: .seconds(issued.expiresIn), at: issued.signedAt)
        }
        var request =
            publication.linkRequested
            ?? ReportLink(
                reportID: plan.reportID, address: plan.address, signedAt: now(), expiresIn: plan.linkExpiresIn,
                expiresAt: nil)
        if publication.linkRequested == nil {
            publication.linkRequestedID = try record(
                PublicationEvent.linkRequested, request.json, report, key: request.idempotencyKey(issued: false),
                causedBy: publication.requestedID)
        }
        let link = try settings.objects.link(key: key, expires: .seconds(request.expiresIn), at: request.signedAt)
        request.expiresAt = link.expiresAt
        try record(
            PublicationEvent.linkIssued, request.json, report, key: request.idempotencyKey(issued: true),
            causedBy: publication.linkRequestedID)
        publication.linkIssued = request
        return link
    }

    /// One recipient's e-mail: its final outcome if it has one, else sent now (or, when its intent has no
    /// outcome at all, recorded as unknown and not sent again). Nil when the link has expired.
    private func email(_ recipient: String, report: RecordedReport, link: PresignedURL, publication: Publication)
        async throws -> ReportEmailOutcome?
    {
        let state = publication.emails[recipient.lowercased()]
        if let final = state?.final { return final }
        if let state, state.outcomes.isEmpty {
            let unknown = ReportEmailOutcome(
                reportID: report.generated.reportID, recipient: recipient, messageID: state.requested.messageID,
                result: .unknown, reply: "the process stopped before the server's answer was recorded; not sent again")
            try record(unknown.type, unknown.json, report, key: unknown.idempotencyKey, causedBy: state.requestedID)
            return unknown
        }
        if let state, state.outcomes.count >= settings.maxEmailAttempts { return state.outcomes.last }
        guard now() < link.expiresAt else { return nil }
        let message = try ReportMail.message(
            report: report, link: link, from: state?.requested.from ?? settings.from, to: recipient, date: now())
        var intentID = state?.requestedID
        if state == nil {
            let intent = ReportEmailRequested(
                reportID: report.generated.reportID, recipient: recipient, from: message.from,
                subject: message.subject, messageID: message.messageID,
                bodySHA256: SHA256Digest.of(Array(message.body.utf8)))
            intentID = try record(
                PublicationEvent.emailRequested, intent.json, report, key: intent.idempotencyKey,
                causedBy: publication.linkRequestedID)
            guard intentID != nil else { return nil }  // Another process is sending it.
        }
        let outcome: ReportEmailOutcome
        do {
            let receipt = try await settings.mailer.send(message)
            outcome = ReportEmailOutcome(
                reportID: report.generated.reportID, recipient: recipient, messageID: message.messageID,
                result: .accepted, reply: receipt.serverReply)
        } catch {
            let smtp = error as? SMTPError
            let result: ReportEmailOutcome.Result =
                smtp?.messageWritten == true ? .unknown : smtp?.isPermanent == true ? .refused : .notSent
            outcome = ReportEmailOutcome(
                reportID: report.generated.reportID, recipient: recipient, messageID: message.messageID,
                result: result, reply: "\(error)")
            logger.error("report e-mail failed", metadata: ["recipient": "\(recipient)", "error": "\(error)"])
        }
        try record(outcome.type, outcome.json, report, key: outcome.idempotencyKey, causedBy: intentID)
        return outcome
    }

    /// Appends one effect event to the report's run, caused by event `causedBy`; returns its id, or nil when
    /// its idempotency key was already there.
    @discardableResult
    private func record(
        _ type: String, _ payload: JSONValue, _ report: RecordedReport, key: String? = nil, causedBy: UUID?
    ) throws -> UUID? {
        let runID = report.generated.runID
        let result = try store.append([
            EventDraft(
                type: type, stream: ReportEvent.runStream(runID), payload: payload, correlationID: runID,
                causationID: causedBy, idempotencyKey: key)
        ])
        if case .appended(let event) = result[0] { return event.id }
        return nil
    }
}
