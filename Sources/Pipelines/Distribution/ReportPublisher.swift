import Delivery
import DialerCore
import Foundation
import Logging
import Tracing

/// What a publication reached: where the report is, its links, each recipient's e-mail, what is unfinished.
public struct PublishResult: Sendable {
    public var reportID: String
    /// Where the JSON is (the page and the CSV are beside it: `ObjectAddress.companion(_:)`).
    public var address: ObjectAddress
    /// The stored JSON, confirmed by HEAD.
    public var stored: ReportUploaded?
    /// The stored page and CSV, confirmed by HEAD.
    public var companions: [ReportFormat: ReportUploaded] = [:]
    /// The links to the JSON, the page and the CSV (never recorded; signed again from the recorded time and
    /// lifetime of the JSON's link).
    public var links: [ReportFormat: PresignedURL] = [:]
    /// The JSON's link.
    public var link: PresignedURL? { links[.json] }
    /// The final outcome of each recipient's e-mail, in the plan's order.
    public var emails: [ReportEmailOutcome] = []
    /// What is not done, one line each, saying why; empty when the publication is complete.
    public var unfinished: [String] = []
}

/// Publishes recorded reports: uploads the chart bytes (rebuilt from the log and checked against the
/// recorded SHA-256), then the page and the CSV beside them (rendered from the log, their SHA-256 recorded
/// with their intents and checked again before a resumed upload), each unless its key already holds other
/// bytes, confirms each with a HEAD, issues expiring links and e-mails them, each effect recorded as an
/// intent before and an outcome after. A
/// publication cut short resumes from its events: an upload that never succeeded goes to the target
/// configured now (the move recorded), the link is signed again with the recorded time, and each e-mail
/// attempt is claimed in the log before the mail server hears of it, so no process sends an attempt another
/// claimed and an attempt cut short is `unknown`, never sent again.
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

    /// Publishes `reportID` (or resumes its publication). Throws when the report is not in the log, its
    /// bytes no longer match, or the configured key template gives no usable key for it (nothing recorded);
    /// effect failures are recorded and returned in `unfinished`. Traced as a `report publish` span over
    /// its effects' spans.
    public func publish(reportID: String) async throws -> PublishResult {
        try await withSpan("report publish") { span in
            span.attributes["dialer_ledger.report_id"] = reportID
            let result = try await publication(of: reportID)
            span.attributes["dialer_ledger.unfinished"] = result.unfinished.count
            return result
        }
    }

    private func publication(of reportID: String) async throws -> PublishResult {
        let report = try await RecordedReport.read(reportID: reportID, store: store)
        var publication = report.publication
        let plan = try await planned(report, target: try target(of: report), publication: &publication)
        var result = PublishResult(reportID: reportID, address: plan.address)
        let objects = settings.objects
        guard plan.address.store == objects.kind, plan.address.bucket == objects.bucket else {
            result.unfinished.append(
                "the report is stored at \(plan.address), but \(objects.kind)://\(objects.bucket) is configured: "
                    + "configure that store to sign its link and send its e-mails")
            return result
        }
        switch try await upload(
            plan, bytes: report.document, confirmed: publication.uploaded, causedBy: publication.requestedID,
            report: report)
        {
        case .success(let uploaded): result.stored = uploaded
        case .failure(let reason):
            result.unfinished.append("upload to \(plan.address) failed: \(reason); the next publish tries again")
            return result
        }
        for format in ReportFormat.companions {
            switch try await uploadCompanion(format, report, plan: plan, publication: &publication) {
            case .success(let uploaded): result.companions[format] = uploaded
            case .failure(let reason):
                result.unfinished.append(
                    "upload of the \(format.noun) to \(plan.address.companion(format)) failed: \(reason); the next "
                        + "publish tries again")
                return result
            }
        }
        let links = try await issueLinks(report, plan: plan, publication: &publication)
        result.links = links
        for recipient in plan.recipients {
            let (outcome, problem) = try await email(
                recipient, report: report, links: links, publication: publication)
            if let outcome { result.emails.append(outcome) }
            if let problem { result.unfinished.append("e-mail to \(recipient): \(problem)") }
        }
        return result
    }

    /// Finishes every publication the log holds unfinished (requested with a run that generated its report,
    /// or started and cut short), oldest first; a report that cannot be published is reported, not thrown.
    public func reconcile() async throws -> [PublishResult] {
        let unfinished = try await store.withSnapshot { snapshot in
            let generated = Set(try ReportDirectory.reportIDs(snapshot: snapshot))
            return try ReportDirectory.publications(snapshot: snapshot).filter { reportID, publication in
                generated.contains(reportID) && !publication.isComplete(maxEmailAttempts: settings.maxEmailAttempts)
            }.keys.sorted()
        }
        var results: [PublishResult] = []
        for reportID in unfinished {
            logger.info("resuming an unfinished publication", metadata: ["report_id": "\(reportID)"])
            do {
                results.append(try await publish(reportID: reportID))
            } catch DialerCoreError.invalidField(let field, let reason) {
                var result = PublishResult(
                    reportID: reportID, address: ObjectAddress(store: settings.objects.kind, bucket: "", key: ""))
                result.unfinished.append("\(field): \(reason)")
                results.append(result)
            }
        }
        return results
    }

    /// Where the configured template puts the report now; throws naming `key_template` when the key would be
    /// unusable.
    private func target(of report: RecordedReport) throws -> ObjectAddress {
        let key = try settings.keyTemplate.key(
            reportID: report.generated.reportID, window: report.started.window,
            timeZone: TimeZone(identifier: report.started.timeZone) ?? .gmt, campaigns: report.started.campaigns)
        return ObjectAddress(store: settings.objects.kind, bucket: settings.objects.bucket, key: key)
    }

    /// The publication's plan: the recorded intent; or, when nothing was uploaded there and the upload
    /// failed or the configured store is another, a new intent at the configured target naming the one it
    /// replaces and why; or a first intent.
    private func planned(_ report: RecordedReport, target: ObjectAddress, publication: inout Publication) async throws
        -> ReportUploadRequested
    {
        let previous = publication.requested
        if let previous {
            let failed = publication.uploadFailures.contains { $0.address == previous.address }
            let otherStore = previous.address.store != target.store || previous.address.bucket != target.bucket
            if publication.uploaded != nil || previous.address == target || !(failed || otherStore) { return previous }
        }
        var key = "upload:\(report.generated.reportID):\(target)"
        var intent = ReportUploadRequested(
            reportID: report.generated.reportID, runID: report.generated.runID, address: target,
            sha256: report.generated.sha256, size: report.generated.size, contentType: "application/json",
            linkExpiresIn: settings.linkLifetime.components.seconds,
            recipients: publication.publicationRequested?.recipients ?? settings.recipients)
        if let previous {
            let failure = publication.uploadFailures.last { $0.address == previous.address }
            intent.recipients = previous.recipients
            intent.linkExpiresIn = previous.linkExpiresIn
            intent.replaces = (
                previous.address,
                "the configured target is now \(target)"
                    + (failure.map { "; the upload to \(previous.address) failed: \($0.reason)" } ?? "")
            )
            key += ":after:\(publication.requestedSeq)"
            logger.warning(
                "publication moved to the configured target",
                metadata: ["report_id": "\(intent.reportID)", "from": "\(previous.address)", "to": "\(target)"])
        }
        guard
            let appended = try await record(
                intent, report, key: key,
                causedBy: report.generatedID)
        else {
            // Another process planned it first: follow its plan.
            publication = try await RecordedReport.read(reportID: report.generated.reportID, store: store).publication
            if let requested = publication.requested { return requested }
            throw DialerCoreError.invalidField(field: "report", reason: "its upload intent could not be read back")
        }
        publication.requested = intent
        publication.requestedID = appended
        return intent
    }

    /// The page's or the CSV's upload beside the plan's JSON: its recorded intent, or one recorded now for
    /// the bytes rendered from the log; then the upload, the bytes rendered again and checked against the
    /// intent's SHA-256 before any PUT.
    private func uploadCompanion(
        _ format: ReportFormat, _ report: RecordedReport, plan: ReportUploadRequested, publication: inout Publication
    ) async throws -> Result<ReportUploaded, PublishFailure> {
        let address = plan.address.companion(format)
        if let uploaded = publication.companions[address]?.uploaded { return .success(uploaded) }
        let bytes = try report.bytes(format)
        if publication.companions[address]?.requested == nil {
            let intent = ReportUploadRequested(
                reportID: plan.reportID, runID: plan.runID, address: address, sha256: SHA256Digest.of(bytes),
                size: bytes.count, contentType: format.mediaType, linkExpiresIn: plan.linkExpiresIn,
                recipients: plan.recipients, representation: format)
            if let appended = try await record(
                intent, report, key: intent.idempotencyKey,
                causedBy: publication.requestedID)
            {
                publication.companions[address, default: Publication.Companion()].requested = intent
                publication.companions[address, default: Publication.Companion()].requestedID = appended
            } else {
                // Another process recorded it first: follow its intent.
                publication = try await RecordedReport.read(reportID: plan.reportID, store: store).publication
            }
        }
        guard let companion = publication.companions[address], let intent = companion.requested else {
            throw DialerCoreError.invalidField(
                field: "report", reason: "the \(format.noun)'s upload intent could not be read back")
        }
        return try await upload(
            intent, bytes: bytes, confirmed: companion.uploaded, causedBy: companion.requestedID, report: report)
    }

    /// Stores `bytes` as `intent` says unless confirmed already or already there, then confirms size and
    /// SHA-256 with a HEAD; refuses (before any PUT) a key that holds other bytes, and bytes that are not
    /// the ones the intent recorded. A failure is recorded and returned.
    private func upload(
        _ intent: ReportUploadRequested, bytes: [UInt8], confirmed: ReportUploaded?, causedBy: UUID?,
        report: RecordedReport
    ) async throws -> Result<ReportUploaded, PublishFailure> {
        if let confirmed { return .success(confirmed) }
        return try await EffectSpan.run("upload", key: intent.idempotencyKey) { effect in
            effect.note("report_id", intent.reportID)
            effect.note("object", "\(intent.address)")
            return try await transfer(intent, bytes: bytes, causedBy: causedBy, report: report, effect: effect)
        }
    }

    /// The upload's PUT (unless the bytes are there already), HEAD and record, its outcome noted on `effect`.
    private func transfer(
        _ intent: ReportUploadRequested, bytes: [UInt8], causedBy: UUID?, report: RecordedReport, effect: EffectSpan
    ) async throws -> Result<ReportUploaded, PublishFailure> {
        let (plan, address) = (intent, intent.address)
        do {
            let head: StoredObject
            if let existing = try await settings.objects.existing(key: address.key) {
                guard existing.sha256 == plan.sha256.hex, existing.size == Int64(plan.size) else {
                    throw PublishFailure(
                        "the key already holds another object (\(existing.size) bytes, SHA-256 "
                            + "\(existing.sha256 ?? "unknown")); a published key is never overwritten")
                }
                head = existing  // An earlier attempt stored it and stopped before recording so.
                effect.ended("already_stored")
            } else {
                let rendered = SHA256Digest.of(bytes)
                guard rendered == plan.sha256, bytes.count == plan.size else {
                    throw PublishFailure(
                        "the \(plan.representation.noun) rendered from the log now has \(bytes.count) bytes with SHA-256 "
                            + "\(rendered.hex), not the \(plan.size) bytes with SHA-256 \(plan.sha256.hex) its intent "
                            + "recorded; it is not uploaded")
                }
                let put = try await settings.objects.put(key: address.key, body: bytes, contentType: plan.contentType)
                head = try await settings.objects.head(key: address.key)
                guard head.size == Int64(bytes.count), head.sha256 ?? put.sha256 == plan.sha256.hex,
                    head.eTag == put.eTag
                else {
                    throw PublishFailure(
                        "the store holds \(head.size) bytes with SHA-256 \(head.sha256 ?? "unknown") after the "
                            + "upload, not the report's \(plan.size) bytes")
                }
                effect.ended("uploaded")
            }
            let uploaded = ReportUploaded(
                reportID: plan.reportID, address: address, eTag: head.eTag, sha256: plan.sha256, size: plan.size,
                representation: plan.representation)
            try await record(
                uploaded, report, key: uploaded.idempotencyKey, causedBy: causedBy)
            logger.info(
                "report uploaded",
                metadata: [
                    "report_id": "\(plan.reportID)", "representation": "\(plan.representation)", "object": "\(address)",
                ])
            return .success(uploaded)
        } catch {
            let failed = ReportUploadFailed(
                reportID: plan.reportID, address: address, reason: "\(error)",
                status: (error as? DeliveryError)?.s3?.status,
                representation: plan.representation)
            try await record(failed, report, causedBy: causedBy)
            effect.ended("failed", failure: failed.reason)
            logger.error(
                "report upload failed",
                metadata: [
                    "report_id": "\(plan.reportID)", "representation": "\(plan.representation)", "error": "\(error)",
                ])
            return .failure(PublishFailure("\(error)"))
        }
    }

    /// The links to the JSON, the page and the CSV. The JSON's is signed again from its recorded issue, or
    /// requested and issued now; the page's and the CSV's are signed with the same recorded instant and
    /// lifetime (so they expire with it and need no events of their own).
    private func issueLinks(_ report: RecordedReport, plan: ReportUploadRequested, publication: inout Publication)
        async throws -> [ReportFormat: PresignedURL]
    {
        let issued = try await issueLink(report, plan: plan, publication: &publication)
        var links: [ReportFormat: PresignedURL] = [:]
        for format in ReportFormat.allCases {
            links[format] = try settings.objects.link(
                key: plan.address.companion(format).key, expires: .seconds(issued.expiresIn), at: issued.signedAt)
        }
        return links
    }

    /// The JSON's link as recorded: its issue, or requested and issued now.
    private func issueLink(_ report: RecordedReport, plan: ReportUploadRequested, publication: inout Publication)
        async throws -> ReportLink
    {
        let key = plan.address.key
        if let issued = publication.linkIssued, issued.address == plan.address { return issued }
        let recorded = publication.linkRequested.flatMap { $0.address == plan.address ? $0 : nil }
        var request =
            recorded
            ?? ReportLink(
                reportID: plan.reportID, address: plan.address, signedAt: now(), expiresIn: plan.linkExpiresIn,
                expiresAt: nil)
        if recorded == nil {
            publication.linkRequestedID = try await record(
                ReportLinkRequested(request), report, key: request.idempotencyKey(issued: false),
                causedBy: publication.requestedID)
        }
        let link = try await EffectSpan.run("link", key: request.idempotencyKey(issued: true)) { effect in
            effect.note("report_id", plan.reportID)
            effect.note("object", "\(plan.address)")
            let link = try settings.objects.link(key: key, expires: .seconds(request.expiresIn), at: request.signedAt)
            effect.ended("issued")
            return link
        }
        request.expiresAt = link.expiresAt
        try await record(
            ReportLinkIssued(request), report, key: request.idempotencyKey(issued: true),
            causedBy: publication.linkRequestedID)
        publication.linkIssued = request
        return request
    }

    /// One recipient's e-mail: its final outcome if it has one; else the next attempt, claimed in the log
    /// before the conversation starts and sent only when this process holds the claim. An attempt that
    /// began and has no outcome past its deadline is recorded as unknown and not sent again. Returns the
    /// latest outcome, and why the e-mail is not done yet when it is not.
    private func email(
        _ recipient: String, report: RecordedReport, links: [ReportFormat: PresignedURL], publication: Publication
    ) async throws -> (ReportEmailOutcome?, String?) {
        let state = publication.emails[recipient.lowercased()]
        let step =
            state?.next(now: now(), maxAttempts: settings.maxEmailAttempts, claimantGone: Self.claimantGone)
            ?? .send(attempt: 1)
        let reportID = report.generated.reportID
        let attempt: Int
        switch step {
        case .done(let final), .givenUp(let final): return (final, nil)
        case .inFlight(let claim):
            return (
                nil,
                "attempt \(claim.attempt) is being sent by another process (its deadline is "
                    + "\(claim.deadline.rfc3339Seconds))"
            )
        case .interrupted(let number):
            let unknown = ReportEmailOutcome(
                reportID: reportID, recipient: recipient, messageID: state!.requested.messageID, result: .unknown,
                reply: "the attempt stopped before the server's answer was recorded; not sent again",
                attempt: number)
            try await record(
                unknown.event, report, key: unknown.idempotencyKey, causedBy: state!.requestedID)
            return (unknown, nil)
        case .send(let number): attempt = number
        }
        let expiresAt = links[.json]?.expiresAt ?? Timestamp(milliseconds: 0)
        guard now() < expiresAt else {
            return (state?.outcomes.last, "not sent: the link expired at \(expiresAt.rfc3339Seconds)")
        }
        let message = try ReportMail.message(
            report: report, links: links, from: state?.requested.from ?? settings.from, to: recipient, date: now())
        let claim = ReportEmailAttempted(
            reportID: reportID, recipient: recipient, messageID: message.messageID, attempt: attempt,
            deadline: now().adding(settings.mailer.timeLimit + .seconds(60)), host: Self.host,
            pid: Int64(getpid()))
        var drafts: [EventDraft] = []
        if state == nil {
            let intent = ReportEmailRequested(
                reportID: reportID, recipient: recipient, from: message.from, subject: message.subject,
                messageID: message.messageID, bodySHA256: SHA256Digest.of(Array(message.encodedBody.utf8)))
            drafts.append(
                draft(
                    intent, report, key: intent.idempotencyKey,
                    causedBy: publication.linkRequestedID))
        }
        let intentID = state?.requestedID ?? drafts.first.flatMap(\.id)
        drafts.append(
            draft(
                claim, report, key: claim.idempotencyKey,
                causedBy: intentID))
        guard case .appended = try await store.append(drafts).last else {
            return (nil, "attempt \(attempt) was claimed by another process at the same time")
        }
        let outcome = await EffectSpan.run("email", key: claim.idempotencyKey) { effect in
            effect.note("report_id", reportID)
            effect.note("attempt", attempt)
            let outcome = await send(message, reportID: reportID, recipient: recipient, attempt: attempt)
            effect.ended(outcome.result.rawValue, failure: outcome.result == .accepted ? nil : outcome.reply)
            return outcome
        }
        try await record(
            outcome.event, report, key: outcome.idempotencyKey, causedBy: drafts.last.flatMap(\.id))
        guard outcome.result == .notSent else { return (outcome, nil) }
        let setup = outcome.setupFailed ? "; the mail setup failed: fix it and publish again" : ""
        return (outcome, "not sent (attempt \(attempt))\(setup): \(outcome.reply)")
    }

    /// Hands `message` to the mail server; the outcome of the attempt, whatever the server said.
    private func send(_ message: MailMessage, reportID: String, recipient: String, attempt: Int) async
        -> ReportEmailOutcome
    {
        let outcome: ReportEmailOutcome
        do {
            let receipt = try await settings.mailer.send(message)
            outcome = ReportEmailOutcome(
                reportID: reportID, recipient: recipient, messageID: message.messageID, result: .accepted,
                reply: receipt.serverReply, attempt: attempt)
        } catch {
            let smtp = (error as? DeliveryError)?.smtp
            let setup = smtp?.isSetupFailure ?? true
            let result: ReportEmailOutcome.Result =
                smtp?.messageWritten == true ? .unknown : smtp?.isPermanent == true && !setup ? .refused : .notSent
            outcome = ReportEmailOutcome(
                reportID: reportID, recipient: recipient, messageID: message.messageID, result: result,
                reply: "\(error)", attempt: attempt, setupFailed: result == .notSent && setup)
            logger.error("report e-mail failed", metadata: ["recipient": "\(recipient)", "error": "\(error)"])
        }
        return outcome
    }

    /// This host's name, recorded with each claim.
    static let host = ProcessInfo.processInfo.hostName

    /// Whether the process that made `claim` is known to have ended: it ran on this host and runs no more.
    static func claimantGone(_ claim: ReportEmailAttempted) -> Bool {
        guard claim.host == host, let pid = pid_t(exactly: claim.pid), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// One effect event of the report's run, caused by event `causedBy`, with its id set.
    private func draft(_ event: some RecordedEvent, _ report: RecordedReport, key: String?, causedBy: UUID?)
        -> EventDraft
    {
        let runID = report.generated.runID
        return EventDraft(
            event, stream: ReportEvent.runStream(runID), correlationID: runID, causationID: causedBy,
            idempotencyKey: key, id: UUID())
    }

    /// Appends one effect event to the report's run; returns its id, or nil when its idempotency key was
    /// already there.
    @discardableResult
    private func record(
        _ event: some RecordedEvent, _ report: RecordedReport, key: String? = nil, causedBy: UUID?
    ) async throws -> UUID? {
        let draft = draft(event, report, key: key, causedBy: causedBy)
        if case .appended = try await store.append([draft])[0] { return draft.id }
        return nil
    }
}

/// Why one step of a publication is not done, in a person's words.
struct PublishFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
