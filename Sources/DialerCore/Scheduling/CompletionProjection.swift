/// Per campaign, where its latest scheduling job stands: windows planned, schedules submitted and failed,
/// calls completed against the expected count, and a state. A pure read of the log (each job folded by
/// `ScheduleJobRecord`), so it can be read as of any point.
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

    /// The projection of `snapshot` through `throughSeq`: each campaign's latest planned job, read from its
    /// stream.
    public static func read(_ snapshot: any EventSnapshot, throughSeq: UInt64) throws -> CompletionProjection {
        var latestJob: [String: String] = [:]
        try snapshot.scanInPlace(EventQuery(type: ScheduleEvent.windowsPlanned, throughSeq: throughSeq)) { view in
            let plan = try SchedulePlanned(view)
            latestJob[plan.campaignID] = plan.job
            return true
        }
        var projection = CompletionProjection()
        for (campaignID, job) in latestJob {
            let record = try ScheduleJobRecord.read(snapshot, job: job, throughSeq: throughSeq)
            projection.campaigns[campaignID] = Campaign(campaignID: campaignID, job: job, record: record)
        }
        return projection
    }
}

extension CompletionProjection.Campaign {
    /// The standing of job `job` as `record` folds it.
    init(campaignID: String, job: String, record: ScheduleJobRecord) {
        self.init(campaignID: campaignID, job: job)
        planned = record.plan?.windows.count ?? 0
        outsideCallingHours = record.plan?.outside.count ?? 0
        expected = record.plan?.expected ?? 0
        submitted = record.scheduleIDs.count
        failed = record.failures
        completed = record.completed
        polls = record.polls
        webhook = record.webhook?.ended
        switch record.ending {
        case .completed?: state = .completed
        case .timedOut?: state = .timedOut
        case nil: state = submitted + failed >= planned ? .monitoring : .submitting
        }
    }
}
