/// Per campaign, where its latest scheduling job stands: windows planned, schedules submitted and failed,
/// calls completed against the expected count, and a state. A view: each job's counts are kept as it goes
/// (`job/STREAM`, and `schedule/STREAM NUL KEY` for each window CXone accepted, so a resubmission counts
/// once), and each campaign's latest planned job (`latest/CAMPAIGN`), so a read is two lookups.
public struct CompletionProjection: ViewProjector {
    /// One campaign's standing (its latest job).
    public struct Campaign: Sendable, Equatable {
        public enum State: String, Sendable {
            /// Windows planned, submissions under way.
            case submitting
            /// Every window has an outcome; analytics are being polled.
            case monitoring
            case completed
            case timedOut = "timed_out"
        }

        public var campaignID: String
        public var job: String
        public var planned = 0
        public var submitted = 0
        public var failed = 0
        public var outsideCallingHours = 0
        public var completed = 0.0
        public var expected = 0
        public var polls = 0
        public var state = State.submitting
        /// The webhook's end, when there is one: `delivered` or `abandoned`.
        public var webhook: String?
    }

    /// By campaign id.
    public private(set) var campaigns: [String: Campaign] = [:]

    /// The completion view.
    public init() {}

    public var name: String { "completion" }
    public var version: UInt32 { 1 }
    public var types: Set<String> { Self.folded }
    private static let folded: Set<String> = [
        ScheduleEvent.windowsPlanned, ScheduleEvent.submitted, ScheduleEvent.submissionFailed,
        ScheduleEvent.analyticsSampled, ScheduleEvent.completed, ScheduleEvent.monitorTimedOut,
        ScheduleEvent.webhookRequested, ScheduleEvent.webhookDelivered, ScheduleEvent.webhookAbandoned,
    ]

    /// Folds one event of a job's stream into that job's counts, as `ScheduleJobRecord` reads the stream.
    public func apply(_ event: EnvelopeView, to rows: any ViewRows) throws {
        let payload = try JSONParser.parse(Array(event.payloadBytes))
        let key = ViewKey.make("job/", event.stream)
        var job = try rows.value(forKey: key).map(JobCounts.init(stored:)) ?? JobCounts()
        switch event.type {
        case ScheduleEvent.windowsPlanned:
            let plan = try SchedulePlanned(json: payload)
            (job.planned, job.outside, job.expected) = (plan.windows.count, plan.outside.count, plan.expected)
            try rows.put(ViewKey.make("latest/", plan.campaignID), Array(plan.job.utf8))
        case ScheduleEvent.submitted:
            let submission = try ScheduleSubmission(json: payload)
            let accepted = ViewKey.make("schedule/", event.stream, seq: nil) + [0] + Array(submission.key.utf8)
            guard submission.scheduleID != nil, try rows.value(forKey: accepted) == nil else { return }
            try rows.put(accepted, [])
            job.submitted += 1
        case ScheduleEvent.submissionFailed:
            job.failed += 1
        case ScheduleEvent.analyticsSampled, ScheduleEvent.completed, ScheduleEvent.monitorTimedOut:
            job.completed = try CampaignProgress(json: payload).completed
            if event.type == ScheduleEvent.analyticsSampled { job.polls += 1 }
            if event.type == ScheduleEvent.completed { job.ending = .completed }
            if event.type == ScheduleEvent.monitorTimedOut { job.ending = .timedOut }
        case ScheduleEvent.webhookRequested:
            let read = PayloadReader(payload, field: "payload")
            guard payload["body"] != nil else { throw read.fail("body", "is required") }
            _ = try read.string("delivery_id")
            job.webhook = .requested
        case ScheduleEvent.webhookDelivered, ScheduleEvent.webhookAbandoned:
            guard job.webhook != nil else { return }
            job.webhook = event.type == ScheduleEvent.webhookDelivered ? .delivered : .abandoned
        default: return
        }
        try rows.put(key, try job.stored())
    }

    /// The projection of `snapshot` through `throughSeq` (every campaign's latest job), from the view at
    /// the head, else folded from the log.
    public static func read(_ snapshot: any EventSnapshot, throughSeq: UInt64) throws -> CompletionProjection {
        let rows = try snapshot.viewRows(CompletionProjection(), throughSeq: throughSeq)
        var projection = CompletionProjection()
        var latest: [(campaign: String, job: String)] = []
        try rows.scan(ViewKeyRange(prefix: ViewKey.make("latest/")), descending: false) { key, value in
            latest.append((String(decoding: key.dropFirst(7), as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        for (campaign, job) in latest { projection.campaigns[campaign] = try standing(campaign, job: job, rows) }
        return projection
    }

    /// The standing of `campaign` through `throughSeq`, or nil when no job of it is planned by then.
    public static func read(_ snapshot: any EventSnapshot, campaign: String, throughSeq: UInt64) throws -> Campaign? {
        let rows = try snapshot.viewRows(CompletionProjection(), throughSeq: throughSeq)
        guard let job = try rows.value(forKey: ViewKey.make("latest/", campaign)) else { return nil }
        return try standing(campaign, job: String(decoding: job, as: UTF8.self), rows)
    }

    private static func standing(_ campaign: String, job: String, _ rows: any ViewRowReading) throws -> Campaign {
        let counts =
            try rows.value(forKey: ViewKey.make("job/", ScheduleEvent.stream(job))).map(JobCounts.init(stored:))
            ?? JobCounts()
        return Campaign(campaignID: campaign, job: job, counts: counts)
    }
}

/// One job's counts as the completion view keeps them.
private struct JobCounts {
    enum Webhook: String {
        case requested, delivered, abandoned
    }

    var planned = 0
    var outside = 0
    var expected = 0
    var submitted = 0
    var failed = 0
    var polls = 0
    var completed = 0.0
    var ending: ScheduleJobRecord.Ending?
    var webhook: Webhook?

    init() {}

    init(stored bytes: [UInt8]) throws {
        let json = try JSONParser.parse(bytes)
        let read = PayloadReader(json, field: "completion row")
        planned = Int(try read.int("planned"))
        outside = Int(try read.int("outside"))
        expected = Int(try read.int("expected"))
        submitted = Int(try read.int("submitted"))
        failed = Int(try read.int("failed"))
        polls = Int(try read.int("polls"))
        completed = try read.number("completed")
        ending = try read.optionalString("ending").flatMap(ScheduleJobRecord.Ending.init(rawValue:))
        webhook = try read.optionalString("webhook").flatMap(Webhook.init(rawValue:))
    }

    func stored() throws -> [UInt8] {
        let json: JSONValue = [
            "planned": .int(Int64(planned)), "outside": .int(Int64(outside)), "expected": .int(Int64(expected)),
            "submitted": .int(Int64(submitted)), "failed": .int(Int64(failed)), "polls": .int(Int64(polls)),
            "completed": .number(completed), "ending": ending.map { .string($0.rawValue) } ?? .null,
            "webhook": webhook.map { .string($0.rawValue) } ?? .null,
        ]
        return try CanonicalJSON(json).bytes
    }
}

extension CompletionProjection.Campaign {
    /// The standing of job `job` from its counts.
    fileprivate init(campaignID: String, job: String, counts: JobCounts) {
        self.init(campaignID: campaignID, job: job)
        planned = counts.planned
        outsideCallingHours = counts.outside
        expected = counts.expected
        submitted = counts.submitted
        failed = counts.failed
        completed = counts.completed
        polls = counts.polls
        webhook = counts.webhook == .requested ? nil : counts.webhook?.rawValue
        switch counts.ending {
        case .completed?: state = .completed
        case .timedOut?: state = .timedOut
        case nil: state = submitted + failed >= planned ? .monitoring : .submitting
        }
    }
}
