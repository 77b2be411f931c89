import CXone
import Delivery
import DialerCore
import Foundation
import Logging

/// Where the scheduling worker submits and reads: the CXone client, or anything that answers as it.
public protocol OutboundCampaigns: Sendable {
    func submitSchedule(campaignID: String, schedule: JSONValue, idempotencyKey: String?) async throws
        -> ScheduleReceipt
    func analytics(_ query: AnalyticsQuery) async throws -> AnalyticsResult
}

extension CXoneClient: OutboundCampaigns {}

/// How a job ended.
public struct ScheduleOutcome: Sendable {
    public var job: String
    public var plan: SchedulePlanned
    /// Schedule id per window key, for the windows submitted.
    public var submitted: [String: String]
    /// Reason per window key, for the windows that failed.
    public var failed: [String: String]
    /// The last total of `callsCompleted`, and whether it reached the expected count.
    public var completed: Double
    public var reachedExpected: Bool
    public var webhook: WebhookDeliverer.Outcome?
}

/// The scheduling worker: plans windows (recorded once per job), submits each window's schedule with its
/// idempotency key (intent before, outcome after; a restarted job resubmits only windows without an outcome,
/// with the same key), polls outbound analytics until the campaign completes or the timeout passes (each
/// poll recorded), then delivers the signed completion webhook.
public struct ScheduleWorker: Sendable {
    let store: any EventStore
    let cxone: any OutboundCampaigns
    let webhooks: WebhookDeliverer
    let now: @Sendable () -> Timestamp
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger
    /// Hears one line per step, for a person watching (`schedule run` prints them).
    let progress: @Sendable (String) -> Void

    /// A worker recording to `store` and talking to `cxone`.
    public init(
        store: any EventStore, cxone: any OutboundCampaigns, webhooks: WebhookDeliverer,
        now: @escaping @Sendable () -> Timestamp,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "dialer-ledger.schedule"),
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.cxone = cxone
        self.webhooks = webhooks
        self.now = now
        self.sleep = sleep
        self.logger = logger
        self.progress = progress
    }

    /// Runs the job `request` describes, or resumes it.
    public func run(_ request: ScheduleRequest) async throws -> ScheduleOutcome {
        let plan = try planned(request)
        let job = plan.job
        let correlation = Self.correlation(job)
        var outcome = ScheduleOutcome(
            job: job, plan: plan, submitted: [:], failed: [:], completed: 0, reachedExpected: false, webhook: nil)
        for window in plan.windows {
            let key = window.idempotencyKey(job: job)
            switch try await submit(window, key: key, job: job, correlation: correlation) {
            case .success(let id): outcome.submitted[key] = id
            case .failure(let failure): outcome.failed[key] = failure.reason
            }
        }
        for skipped in plan.outside {
            progress(
                "outside calling hours (\(skipped.callingHours)): \(skipped.timeZone) at \(skipped.fireTime.rfc3339Seconds), not submitted"
            )
        }
        (outcome.completed, outcome.reachedExpected) = try await monitor(plan, request, correlation: correlation)
        if outcome.reachedExpected, let webhook = request.webhook {
            outcome.webhook = try await notify(plan, completed: outcome.completed, webhook, correlation: correlation)
        }
        return outcome
    }

    /// The recorded plan of this job, or a new one recorded now.
    private func planned(_ request: ScheduleRequest) throws -> SchedulePlanned {
        let plannedAfter = now()
        let windows = try request.planner.plan(
            campaignID: request.campaignID, contacts: request.contacts, after: plannedAfter)
        let job = request.jobID(firstStart: windows.windows.map(\.start).min())
        if let recorded = try recordedPlan(job) {
            progress("resuming job \(job) (planned at \(recorded.plannedAfter.rfc3339Seconds))")
            return recorded
        }
        let plan = SchedulePlanned(
            job: job, campaignID: request.campaignID, cron: request.planner.expression,
            contactsSHA256: request.contactsSHA256, contactCount: request.contacts.contacts.count,
            expected: request.expected, plannedAfter: plannedAfter, windows: windows.windows, outside: windows.outside)
        var started = plan.json
        if case .object(var fields) = started {
            fields["windows"] = nil
            fields["outside_calling_hours"] = nil
            started = .object(fields)
        }
        let correlation = Self.correlation(job)
        let stream = ScheduleEvent.stream(job)
        let results = try store.append([
            EventDraft(
                type: ScheduleEvent.jobStarted, stream: stream, payload: started, correlationID: correlation,
                idempotencyKey: "schedule-job:\(job)"),
            EventDraft(
                type: ScheduleEvent.windowsPlanned, stream: stream, payload: plan.json, correlationID: correlation,
                idempotencyKey: "schedule-plan:\(job)"),
        ])
        if case .existing = results[1], let recorded = try recordedPlan(job) { return recorded }
        progress(
            "job \(job): \(plan.windows.count) window\(plan.windows.count == 1 ? "" : "s") in "
                + "\(Set(plan.windows.map(\.timeZone)).count) time zones for \(plan.contactCount) contacts")
        return plan
    }

    private func recordedPlan(_ job: String) throws -> SchedulePlanned? {
        try store.withSnapshot { snapshot in
            guard let seq = try snapshot.sequence(forIdempotencyKey: "schedule-plan:\(job)"),
                let envelope = try snapshot.envelope(at: seq)
            else { return nil }
            return try SchedulePlanned(json: try envelope.payload.decoded(), field: "seq \(seq) payload")
        }
    }

    /// Submits one window unless it already has an outcome; the intent is recorded first.
    private func submit(_ window: ScheduleWindow, key: String, job: String, correlation: UUID) async throws
        -> Result<String, SubmissionFailure>
    {
        let stream = ScheduleEvent.stream(job)
        let base = ScheduleSubmission(job: job, key: key, timeZone: window.timeZone, start: window.start)
        if let existing = try store.withSnapshot({ snapshot -> ScheduleSubmission? in
            guard let seq = try snapshot.sequence(forIdempotencyKey: base.outcomeKey),
                let envelope = try snapshot.envelope(at: seq)
            else { return nil }
            return try ScheduleSubmission(json: try envelope.payload.decoded())
        }), let id = existing.scheduleID {
            return .success(id)
        }
        var intent = base
        intent.request = window.requestBody
        let appended = try store.append([
            EventDraft(
                type: ScheduleEvent.submissionRequested, stream: stream, payload: intent.json,
                correlationID: correlation, idempotencyKey: key)
        ])
        if case .existing = appended[0] {
            progress("resubmitting \(window.timeZone) with its recorded key (no outcome was recorded)")
        }
        var outcome = base
        do {
            let receipt = try await cxone.submitSchedule(
                campaignID: window.campaignID, schedule: window.requestBody, idempotencyKey: key)
            outcome.scheduleID = receipt.scheduleID
            outcome.status = receipt.status
            _ = try store.append([
                EventDraft(
                    type: ScheduleEvent.submitted, stream: stream, payload: outcome.json, correlationID: correlation,
                    idempotencyKey: outcome.outcomeKey)
            ])
            progress(
                "submitted \(window.timeZone) \(window.start.rfc3339(in: TimeZone(identifier: window.timeZone) ?? .gmt)): "
                    + "schedule \(receipt.scheduleID) (\(window.contactIDs.count) contact\(window.contactIDs.count == 1 ? "" : "s"))"
            )
            return .success(receipt.scheduleID)
        } catch {
            outcome.status = (error as? CXoneError)?.lastStatus
            outcome.reason = "\(error)"
            _ = try store.append([
                EventDraft(
                    type: ScheduleEvent.submissionFailed, stream: stream, payload: outcome.json,
                    correlationID: correlation)
            ])
            progress("submission failed for \(window.timeZone): \(error)")
            return .failure(SubmissionFailure(reason: "\(error)"))
        }
    }

    struct SubmissionFailure: Error { let reason: String }

    /// Polls analytics until `expected` calls completed or the timeout passes; every poll recorded.
    private func monitor(_ plan: SchedulePlanned, _ request: ScheduleRequest, correlation: UUID) async throws
        -> (Double, Bool)
    {
        let stream = ScheduleEvent.stream(plan.job)
        let started = now()
        let from = plan.windows.map(\.start).min() ?? plan.plannedAfter
        var poll = 0
        var completed = 0.0
        while true {
            poll += 1
            var query = AnalyticsQuery(campaignIDs: [plan.campaignID], from: from, to: now())
            query.pageSize = request.analyticsPageSize
            do {
                let result = try await cxone.analytics(query)
                completed = result.callsCompleted
                let sample = CampaignProgress(
                    job: plan.job, campaignID: plan.campaignID, completed: completed, expected: plan.expected,
                    poll: poll,
                    pages: result.pages.map(\.rows))
                _ = try store.append([
                    EventDraft(
                        type: ScheduleEvent.analyticsSampled, stream: stream, payload: sample.json,
                        correlationID: correlation)
                ])
                progress("poll \(poll): \(Int(completed)) of \(plan.expected) calls completed")
            } catch {
                progress("poll \(poll) failed: \(error)")
                logger.warning("analytics poll failed", metadata: ["job": "\(plan.job)", "error": "\(error)"])
            }
            let done = completed >= Double(plan.expected)
            let waited = now().milliseconds - started.milliseconds
            if done || waited + request.pollInterval.milliseconds > request.timeout.milliseconds {
                let end = CampaignProgress(
                    job: plan.job, campaignID: plan.campaignID, completed: completed, expected: plan.expected)
                _ = try store.append([
                    EventDraft(
                        type: done ? ScheduleEvent.completed : ScheduleEvent.monitorTimedOut, stream: stream,
                        payload: end.json, correlationID: correlation,
                        idempotencyKey: done ? "completed:\(plan.job)" : nil)
                ])
                progress(done ? "campaign completed" : "monitoring timed out after \(request.timeout)")
                return (completed, done)
            }
            try await sleep(request.pollInterval)
        }
    }

    /// The completion webhook: recorded once (`WebhookRequested`, with its body), then delivered with retries.
    private func notify(
        _ plan: SchedulePlanned, completed: Double, _ webhook: (url: String, secret: WebhookSecret), correlation: UUID
    ) async throws -> WebhookDeliverer.Outcome? {
        let deliveryID = "dlv_" + SHA256Digest.of(Array("webhook:\(plan.job)".utf8)).hex.prefix(24)
        let body: JSONValue = [
            "event": "campaign.completed", "timestamp": .string(now().rfc3339Seconds),
            "data": [
                "campaign_id": .string(plan.campaignID), "calls_completed": .number(completed),
                "expected": .int(Int64(plan.expected)), "job_id": .string(plan.job),
                "schedules": .int(Int64(plan.windows.count)),
            ],
        ]
        let bytes = try CanonicalJSON(body).bytes
        let stream = ScheduleEvent.stream(plan.job)
        let appended = try store.append([
            EventDraft(
                type: ScheduleEvent.webhookRequested, stream: stream,
                payload: [
                    "delivery_id": .string(deliveryID), "job": .string(plan.job),
                    "url": .string(WebhookDeliverer.redacted(webhook.url)), "body": body,
                    "body_sha256": .string(SHA256Digest.of(bytes).hex),
                ], correlationID: correlation, idempotencyKey: "webhook:\(plan.job)")
        ])
        guard case .appended = appended[0] else {
            progress("the completion webhook was already requested; `webhooks redeliver \(deliveryID)` sends it again")
            return nil
        }
        let outcome = try await webhooks.deliver(
            id: deliveryID, url: webhook.url, body: bytes, secret: webhook.secret, stream: stream,
            correlation: correlation)
        progress(
            outcome.delivered
                ? "webhook \(deliveryID) delivered after \(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s")"
                : "webhook \(deliveryID) abandoned: \(outcome.reason ?? "")")
        return outcome
    }

    /// The job's correlation id: a UUID made from its id, so every event of the job shares it across restarts.
    public static func correlation(_ job: String) -> UUID {
        let bytes = SHA256Digest.of(Array("job:\(job)".utf8)).bytes
        var uuid = (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], (bytes[6] & 0x0F) | 0x50, bytes[7],
            (bytes[8] & 0x3F) | 0x80, bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        )
        return withUnsafeBytes(of: &uuid) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }
}
