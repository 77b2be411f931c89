import CXone
import Delivery
import DialerCore
import Foundation
import Logging
import Tracing

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

    /// Runs the job `request` describes, or carries on its newest unfinished one (or `job`, when named):
    /// windows without a schedule submitted, monitoring unless it completed, the webhook delivered unless it
    /// was. Throws, recording nothing, when the request cannot be carried out or its plan has no window.
    /// Traced as a `schedule run` span over its submissions' and webhook attempts' spans.
    public func run(_ request: ScheduleRequest, job named: String? = nil) async throws -> ScheduleOutcome {
        try request.validate()
        return try await withSpan("schedule run") { span in
            try await carryOut(request, job: named, span: span)
        }
    }

    private func carryOut(_ request: ScheduleRequest, job named: String?, span: any Span) async throws
        -> ScheduleOutcome
    {
        let (plan, record) =
            if let named { try await recorded(job: named, for: request) } else { try await jobToCarryOn(request) }
        let job = plan.job
        span.attributes["dialer_ledger.job"] = job
        let correlation = Self.correlation(job)
        var outcome = ScheduleOutcome(
            job: job, plan: plan, submitted: [:], failed: [:], completed: 0, reachedExpected: false, webhook: nil)
        for window in plan.windows {
            let key = window.idempotencyKey(job: job)
            if let id = record.scheduleIDs[key] {
                outcome.submitted[key] = id
                continue
            }
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
        if record.ending == .completed {
            progress("campaign completed (recorded): \(Int(record.completed)) of \(plan.expected) calls")
            (outcome.completed, outcome.reachedExpected) = (record.completed, true)
        } else {
            (outcome.completed, outcome.reachedExpected) = try await monitor(plan, request, correlation: correlation)
        }
        if outcome.reachedExpected {
            outcome.webhook = try await notify(
                plan, completed: outcome.completed, request.webhook, recorded: record.webhook,
                correlation: correlation)
        }
        return outcome
    }

    /// The newest job of `request` when it is unfinished, else a new job planned and recorded now.
    private func jobToCarryOn(_ request: ScheduleRequest) async throws -> (SchedulePlanned, ScheduleJobRecord) {
        switch try await nextJob(request) {
        case .carryOn(let plan, let record): return (plan, record)
        case .new(let job, let after): return try await planned(request, job: job, after: after)
        }
    }

    /// Which job a run of `request` works on: its newest job when that is unfinished, else a new one.
    private enum NextJob {
        case carryOn(SchedulePlanned, ScheduleJobRecord)
        /// A new job, planning fire times after `after`.
        case new(job: String, after: Timestamp)
    }

    private func nextJob(_ request: ScheduleRequest) async throws -> NextJob {
        let (generation, newest) = try await store.withSnapshot { snapshot -> (Int, ScheduleJobRecord?) in
            var generation = 0
            while try snapshot.sequence(forIdempotencyKey: Self.jobKey(request.jobID(generation: generation + 1)))
                != nil
            {
                generation += 1
            }
            guard generation > 0 else { return (0, nil) }
            return (generation, try ScheduleJobRecord.read(snapshot, job: request.jobID(generation: generation)))
        }
        if let newest, let plan = newest.plan {
            if !newest.isFinished(at: now(), wantsWebhook: request.webhook != nil) {
                progress("resuming job \(plan.job) (planned at \(plan.plannedAfter.rfc3339Seconds))")
                return .carryOn(plan, newest)
            }
            progress("job \(plan.job) has finished; planning the next one")
        }
        // A new job plans fire times after the previous job's, so no window of it is planned twice.
        let previousFires = (newest?.plan).map { $0.windows.map(\.fireTime) + $0.outside.map(\.fireTime) } ?? []
        return .new(job: request.jobID(generation: generation + 1), after: max(now(), previousFires.max() ?? now()))
    }

    /// The windows `run(request, job:)` would submit now, recording nothing and sending nothing: those of the
    /// job it would carry on that have no schedule yet, or the plan of the new job it would start. Throws as
    /// `run` would for a request it could not carry out or a plan with no window.
    public func preview(_ request: ScheduleRequest, job named: String? = nil) async throws -> SchedulePreview {
        try request.validate()
        let carried: (SchedulePlanned, ScheduleJobRecord)
        if let named {
            carried = try await recorded(job: named, for: request)
        } else {
            switch try await nextJob(request) {
            case .carryOn(let plan, let record): carried = (plan, record)
            case .new(let job, let after):
                let windows = try windows(request, after: after)
                return SchedulePreview(job: job, isNew: true, windows: windows.windows, outside: windows.outside)
            }
        }
        let (plan, record) = carried
        let unsubmitted = plan.windows.filter { record.scheduleIDs[$0.idempotencyKey(job: plan.job)] == nil }
        return SchedulePreview(job: plan.job, isNew: false, windows: unsubmitted, outside: plan.outside)
    }

    /// The windows of `request` planned after `plannedAfter`; throws when there is none to submit.
    private func windows(_ request: ScheduleRequest, after plannedAfter: Timestamp) throws -> SchedulePlanner.Plan {
        let windows = try request.planner.plan(
            campaignID: request.campaignID, contacts: request.contacts, after: plannedAfter)
        guard !windows.windows.isEmpty else { throw Self.noWindow(request, windows, after: plannedAfter) }
        return windows
    }

    /// Job `job` as recorded, checked to be a job of `request`.
    private func recorded(job: String, for request: ScheduleRequest) async throws -> (
        SchedulePlanned, ScheduleJobRecord
    ) {
        let record = try await store.withSnapshot { try ScheduleJobRecord.read($0, job: job) }
        guard let plan = record.plan else {
            throw DialerCoreError.invalidField(field: "job", reason: "\(job) is not a scheduling job in this log")
        }
        let mismatches = [
            plan.campaignID == request.campaignID ? nil : "campaign \(plan.campaignID)",
            plan.cron == request.planner.expression ? nil : "cron \"\(plan.cron)\"",
            plan.contactsSHA256 == request.contactsSHA256 ? nil : "contacts with SHA-256 \(plan.contactsSHA256.hex)",
        ].compactMap { $0 }
        guard mismatches.isEmpty else {
            throw DialerCoreError.invalidField(
                field: "job", reason: "\(job) was planned for \(mismatches.joined(separator: ", ")), not this request")
        }
        progress("resuming job \(job) (planned at \(plan.plannedAfter.rfc3339Seconds))")
        return (plan, record)
    }

    /// The plan of new job `job`, recorded now (or the plan another process recorded for it first).
    private func planned(_ request: ScheduleRequest, job: String, after plannedAfter: Timestamp) async throws
        -> (SchedulePlanned, ScheduleJobRecord)
    {
        let windows = try windows(request, after: plannedAfter)
        let plan = SchedulePlanned(
            job: job, campaignID: request.campaignID, cron: request.planner.expression,
            contactsSHA256: request.contactsSHA256, contactCount: request.contacts.contacts.count,
            expected: request.expected, plannedAfter: plannedAfter, windows: windows.windows, outside: windows.outside)
        let correlation = Self.correlation(job)
        let stream = ScheduleEvent.stream(job)
        let results = try await store.append([
            EventDraft(
                ScheduleJobStarted(plan), stream: stream, correlationID: correlation, idempotencyKey: Self.jobKey(job)),
            EventDraft(plan, stream: stream, correlationID: correlation, idempotencyKey: "schedule-plan:\(job)"),
        ])
        if case .existing = results[1] { return try await recorded(job: job, for: request) }
        let zones = Set(plan.windows.map(\.timeZone)).count
        progress(
            "job \(job): \(Self.counted(plan.windows.count, "window")) in \(Self.counted(zones, "time zone")) "
                + "for \(Self.counted(plan.contactCount, "contact"))")
        var record = ScheduleJobRecord()
        record.plan = plan
        return (plan, record)
    }

    private static func jobKey(_ job: String) -> String { "schedule-job:\(job)" }

    private static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// Why a plan has nothing to submit, naming the cron expression.
    private static func noWindow(_ request: ScheduleRequest, _ plan: SchedulePlanner.Plan, after: Timestamp)
        -> DialerCoreError
    {
        guard !plan.outside.isEmpty else {
            return .invalidField(
                field: "cron",
                reason:
                    "\"\(request.planner.expression)\" does not fire after \(after.rfc3339Seconds) in any contact's zone"
            )
        }
        let missed = plan.outside.prefix(3).map { skipped in
            let zone = TimeZone(identifier: skipped.timeZone) ?? .gmt
            return
                "\(skipped.timeZone) at \(skipped.fireTime.rfc3339(in: zone)) (calling hours \(skipped.callingHours))"
        }
        return .invalidField(
            field: "cron",
            reason: "every fire time is outside calling hours, so there is no window to submit: "
                + missed.joined(separator: "; ") + (plan.outside.count > 3 ? "; …" : ""))
    }

    /// Submits one window; the intent is recorded first, the outcome after.
    private func submit(_ window: ScheduleWindow, key: String, job: String, correlation: UUID) async throws
        -> Result<String, SubmissionFailure>
    {
        let stream = ScheduleEvent.stream(job)
        let base = ScheduleSubmission(job: job, key: key, timeZone: window.timeZone, start: window.start)
        var intent = base
        intent.request = window.requestBody
        let appended = try await store.append([
            EventDraft(
                ScheduleSubmissionRequested(intent), stream: stream, correlationID: correlation, idempotencyKey: key)
        ])
        if case .existing = appended[0] {
            progress("resubmitting \(window.timeZone) with its recorded key (no outcome was recorded)")
        }
        return try await EffectSpan.run("schedule_submission", key: key) { effect in
            effect.note("job", job)
            effect.note("campaign", window.campaignID)
            return try await send(window, intent: base, correlation: correlation, effect: effect)
        }
    }

    /// Sends one window's recorded intent to CXone and records the outcome, noted on `effect`.
    private func send(_ window: ScheduleWindow, intent base: ScheduleSubmission, correlation: UUID, effect: EffectSpan)
        async throws -> Result<String, SubmissionFailure>
    {
        let (stream, key) = (ScheduleEvent.stream(base.job), base.key)
        var outcome = base
        do {
            let receipt = try await cxone.submitSchedule(
                campaignID: window.campaignID, schedule: window.requestBody, idempotencyKey: key)
            outcome.scheduleID = receipt.scheduleID
            outcome.status = receipt.status
            _ = try await store.append([
                EventDraft(
                    ScheduleSubmitted(outcome), stream: stream, correlationID: correlation,
                    idempotencyKey: outcome.outcomeKey)
            ])
            progress(
                "submitted \(window.timeZone) \(window.start.rfc3339(in: TimeZone(identifier: window.timeZone) ?? .gmt)): "
                    + "schedule \(receipt.scheduleID) (\(window.contactIDs.count) contact\(window.contactIDs.count == 1 ? "" : "s"))"
            )
            effect.ended("submitted")
            return .success(receipt.scheduleID)
        } catch {
            outcome.status = (error as? CXoneError)?.lastStatus
            outcome.reason = "\(error)"
            _ = try await store.append([
                EventDraft(ScheduleSubmissionFailed(outcome), stream: stream, correlationID: correlation)
            ])
            progress("submission failed for \(window.timeZone): \(error)")
            effect.ended("failed", failure: outcome.reason)
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
        let from = min(plan.windows.map(\.start).min() ?? plan.plannedAfter, started)
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
                _ = try await store.append([
                    EventDraft(AnalyticsSampled(sample), stream: stream, correlationID: correlation)
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
                _ = try await store.append([
                    done
                        ? EventDraft(
                            CampaignCompleted(end), stream: stream, correlationID: correlation,
                            idempotencyKey: "completed:\(plan.job)")
                        : EventDraft(CampaignMonitorTimedOut(end), stream: stream, correlationID: correlation)
                ])
                progress(done ? "campaign completed" : "monitoring timed out after \(request.timeout)")
                return (completed, done)
            }
            try await sleep(request.pollInterval)
        }
    }

    /// The completion webhook: requested once (`WebhookRequested`, with its body), then delivered with retries;
    /// a recorded request that was not delivered is resumed (same id and body, attempts and retries going on
    /// from the recorded ones). Nil when the job has no webhook.
    private func notify(
        _ plan: SchedulePlanned, completed: Double, _ webhook: (url: String, secret: WebhookSecret)?,
        recorded: ScheduleJobRecord.Webhook?, correlation: UUID
    ) async throws -> WebhookDeliverer.Outcome? {
        if let recorded, recorded.delivered {
            progress("webhook \(recorded.deliveryID) was delivered (recorded)")
            return WebhookDeliverer.Outcome(delivered: true, attempts: recorded.attempts, reason: nil)
        }
        guard let webhook else {
            guard let recorded else { return nil }
            let reason = "not delivered, and no --webhook and --webhook-secret were given to deliver it"
            progress("webhook \(recorded.deliveryID) \(reason)")
            return WebhookDeliverer.Outcome(delivered: false, attempts: recorded.attempts, reason: reason)
        }
        let stream = ScheduleEvent.stream(plan.job)
        let delivery: ScheduleJobRecord.Webhook
        if let recorded {
            delivery = recorded
            progress("resuming webhook \(recorded.deliveryID) after \(Self.counted(recorded.attempts, "attempt"))")
        } else {
            delivery = try await requestWebhook(plan, completed: completed, url: webhook.url, correlation: correlation)
        }
        let outcome = try await webhooks.deliver(
            id: delivery.deliveryID, url: webhook.url, body: try CanonicalJSON(delivery.body).bytes,
            secret: webhook.secret, stream: stream, correlation: correlation, firstAttempt: delivery.attempts + 1)
        progress(
            outcome.delivered
                ? "webhook \(delivery.deliveryID) delivered after \(Self.counted(outcome.attempts, "attempt"))"
                : "webhook \(delivery.deliveryID) abandoned: \(outcome.reason ?? "")")
        return outcome
    }

    /// Records the completion webhook's request (its id and body) once per job, and returns it as recorded.
    private func requestWebhook(_ plan: SchedulePlanned, completed: Double, url: String, correlation: UUID) async throws
        -> ScheduleJobRecord.Webhook
    {
        let deliveryID = "dlv_" + SHA256Digest.of(Array("webhook:\(plan.job)".utf8)).hex.prefix(24)
        let body: JSONValue = [
            "event": "campaign.completed", "timestamp": .string(now().rfc3339Seconds),
            "data": [
                "campaign_id": .string(plan.campaignID), "calls_completed": .number(completed),
                "expected": .int(Int64(plan.expected)), "job_id": .string(plan.job),
                "schedules": .int(Int64(plan.windows.count)),
            ],
        ]
        let appended = try await store.append([
            EventDraft(
                WebhookRequested(
                    deliveryID: deliveryID, job: plan.job, url: WebhookSender.redacted(url), body: body,
                    bodySHA256: SHA256Digest.of(try CanonicalJSON(body).bytes)),
                stream: ScheduleEvent.stream(plan.job), correlationID: correlation,
                idempotencyKey: "webhook:\(plan.job)")
        ])
        guard case .existing = appended[0] else { return ScheduleJobRecord.Webhook(deliveryID: deliveryID, body: body) }
        // Another run requested it first: carry on its request.
        let record = try await store.withSnapshot { try ScheduleJobRecord.read($0, job: plan.job) }
        return record.webhook ?? ScheduleJobRecord.Webhook(deliveryID: deliveryID, body: body)
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
