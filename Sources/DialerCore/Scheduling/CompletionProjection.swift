/// Per campaign, where its scheduling jobs stand: windows planned, schedules submitted and failed, calls
/// completed against the expected count, and a state. A pure fold over the scheduling events, so it can be
/// read as of any point of the log.
public struct CompletionProjection: Sendable {
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
    private var campaignOfJob: [String: String] = [:]

    /// An empty projection.
    public init() {}

    /// Folds one event; other types are passed over.
    public mutating func apply(type: String, payload: JSONValue) throws {
        switch type {
        case ScheduleEvent.windowsPlanned:
            let plan = try SchedulePlanned(json: payload)
            campaignOfJob[plan.job] = plan.campaignID
            var campaign = Campaign(campaignID: plan.campaignID, job: plan.job)
            campaign.planned = plan.windows.count
            campaign.outsideCallingHours = plan.outside.count
            campaign.expected = plan.expected
            campaign.state = plan.windows.isEmpty ? .monitoring : .submitting
            campaigns[plan.campaignID] = campaign
        case ScheduleEvent.submitted, ScheduleEvent.submissionFailed:
            let submission = try ScheduleSubmission(json: payload)
            update(submission.job) { campaign in
                if type == ScheduleEvent.submitted { campaign.submitted += 1 } else { campaign.failed += 1 }
                if campaign.submitted + campaign.failed >= campaign.planned { campaign.state = .monitoring }
            }
        case ScheduleEvent.analyticsSampled, ScheduleEvent.completed, ScheduleEvent.monitorTimedOut:
            let progress = try CampaignProgress(json: payload)
            update(progress.job) { campaign in
                campaign.completed = progress.completed
                if type == ScheduleEvent.analyticsSampled { campaign.polls += 1 }
                if type == ScheduleEvent.completed { campaign.state = .completed }
                if type == ScheduleEvent.monitorTimedOut { campaign.state = .timedOut }
            }
        default: break  // Webhook ends name their delivery, not their job: `read` matches them by stream.
        }
    }

    /// Records the end of a job's webhook.
    public mutating func webhook(job: String, ended: String) {
        update(job) { $0.webhook = ended }
    }

    private mutating func update(_ job: String, _ change: (inout Campaign) -> Void) {
        guard let id = campaignOfJob[job], var campaign = campaigns[id], campaign.job == job else { return }
        change(&campaign)
        campaigns[id] = campaign
    }

    /// The projection of `snapshot` through `throughSeq`.
    public static func read(_ snapshot: any EventSnapshot, throughSeq: UInt64) throws -> CompletionProjection {
        var projection = CompletionProjection()
        let types = Set(ScheduleEvent.types)
        var events: [(seq: UInt64, type: String, stream: String, payload: JSONValue)] = []
        for type in types {
            try snapshot.scanInPlace(EventQuery(type: type, throughSeq: throughSeq)) { view in
                events.append((view.seq, view.type, view.stream, try JSONParser.parse(Array(view.payloadBytes))))
                return true
            }
        }
        for event in events.sorted(by: { $0.seq < $1.seq }) {
            try projection.apply(type: event.type, payload: event.payload)
            if event.type == ScheduleEvent.webhookDelivered || event.type == ScheduleEvent.webhookAbandoned {
                let job = String(event.stream.dropFirst("schedule:".count))
                projection.webhook(
                    job: job, ended: event.type == ScheduleEvent.webhookDelivered ? "delivered" : "abandoned")
            }
        }
        return projection
    }
}
