/// One scheduling job as its stream (`schedule:JOB`) records it: the plan, each window's outcome, the polls,
/// how monitoring ended, and the completion webhook. A pure fold: the worker reads it to carry a job on, and
/// the completion projection reads it per campaign.
public struct ScheduleJobRecord: Sendable, Equatable {
    /// How monitoring ended.
    public enum Ending: String, Sendable {
        case completed
        case timedOut = "timed_out"
    }

    /// The completion webhook: requested once (with its body), then attempted, then delivered or abandoned.
    public struct Webhook: Sendable, Equatable {
        public var deliveryID: String
        /// The body as recorded; its canonical bytes are what was signed and sent.
        public var body: JSONValue
        /// Attempts recorded so far (those of `webhooks redeliver` included).
        public var attempts = 0
        /// `delivered` or `abandoned`, when an end is recorded (the latest one counts).
        public var ended: String?

        /// A request not yet attempted.
        public init(deliveryID: String, body: JSONValue) {
            self.deliveryID = deliveryID
            self.body = body
        }

        /// Whether a 2xx answer is recorded.
        public var delivered: Bool { ended == "delivered" }
    }

    public var plan: SchedulePlanned?
    /// Schedule id by window key, for the windows CXone accepted.
    public var scheduleIDs: [String: String] = [:]
    /// Failed submissions recorded (a window retried on a rerun may fail more than once).
    public var failures = 0
    public var polls = 0
    /// The last total of `callsCompleted` seen.
    public var completed = 0.0
    public var ending: Ending?
    public var webhook: Webhook?

    /// An empty record.
    public init() {}

    /// Folds one event of the job's stream; other types are passed over.
    public mutating func apply(type: String, payload: JSONValue) throws {
        switch type {
        case ScheduleEvent.windowsPlanned:
            plan = try SchedulePlanned(json: payload)
        case ScheduleEvent.submitted:
            let submission = try ScheduleSubmission(json: payload)
            if let id = submission.scheduleID { scheduleIDs[submission.key] = id }
        case ScheduleEvent.submissionFailed:
            failures += 1
        case ScheduleEvent.analyticsSampled, ScheduleEvent.completed, ScheduleEvent.monitorTimedOut:
            completed = try CampaignProgress(json: payload).completed
            if type == ScheduleEvent.analyticsSampled { polls += 1 }
            if type == ScheduleEvent.completed { ending = .completed }
            if type == ScheduleEvent.monitorTimedOut { ending = .timedOut }
        case ScheduleEvent.webhookRequested:
            let requested = try WebhookRequested(json: payload, field: "payload")
            webhook = Webhook(deliveryID: requested.deliveryID, body: requested.body)
        case ScheduleEvent.webhookAttempted:
            webhook?.attempts += 1
        case ScheduleEvent.webhookDelivered:
            webhook?.ended = "delivered"
        case ScheduleEvent.webhookAbandoned:
            webhook?.ended = "abandoned"
        default: break
        }
    }

    /// Whether the job has nothing left to do at `now`: its webhook (when it has or wants one) delivered, and
    /// monitoring ended or every window over. A job that is not finished is carried on by a rerun.
    public func isFinished(at now: Timestamp, wantsWebhook: Bool) -> Bool {
        if let webhook { return webhook.delivered }
        switch ending {
        case .completed: return !wantsWebhook
        case .timedOut: return true
        case nil: return (plan?.windows ?? []).allSatisfy { $0.end <= now }
        }
    }

    /// The record of job `job` in `snapshot` through `throughSeq` (its stream only).
    public static func read(_ snapshot: any EventSnapshot, job: String, throughSeq: UInt64 = .max) throws
        -> ScheduleJobRecord
    {
        var record = ScheduleJobRecord()
        try snapshot.scanInPlace(EventQuery(stream: ScheduleEvent.stream(job), throughSeq: throughSeq)) { view in
            try DialerCoreError.readingStored(seq: view.seq, type: view.type) {
                try record.apply(type: view.type, payload: try JSONParser.parse(Array(view.payloadBytes)))
            }
            return true
        }
        return record
    }
}
