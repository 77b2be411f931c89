import Foundation

/// The scheduling worker's event types and streams. A job's events all go to `schedule:JOB`, correlated
/// with the job's id.
public enum ScheduleEvent {
    /// Stored type names (each owned by its `RecordedEvent` type).
    public static let jobStarted = ScheduleJobStarted.storedType
    public static let windowsPlanned = SchedulePlanned.storedType
    public static let submissionRequested = ScheduleSubmissionRequested.storedType
    public static let submitted = ScheduleSubmitted.storedType
    public static let submissionFailed = ScheduleSubmissionFailed.storedType
    public static let analyticsSampled = AnalyticsSampled.storedType
    public static let completed = CampaignCompleted.storedType
    public static let monitorTimedOut = CampaignMonitorTimedOut.storedType
    public static let webhookRequested = WebhookRequested.storedType
    public static let webhookAttempted = WebhookAttempted.storedType
    public static let webhookDelivered = WebhookDelivered.storedType
    public static let webhookAbandoned = WebhookAbandoned.storedType

    /// Every type, in the order a job records them.
    public static let types = [
        jobStarted, windowsPlanned, submissionRequested, submitted, submissionFailed, analyticsSampled, completed,
        monitorTimedOut, webhookRequested, webhookAttempted, webhookDelivered, webhookAbandoned,
    ]

    /// The stream of job `id`.
    public static func stream(_ job: String) -> String { "schedule:\(job)" }
}

/// `ScheduleWindowsPlanned`: what the job was asked for and the windows it planned (and those outside
/// calling hours), recorded once per job.
public struct SchedulePlanned: RecordedEvent, Hashable {
    public static let storedType = "ScheduleWindowsPlanned"
    public var job: String
    public var campaignID: String
    public var cron: String
    /// The SHA-256 of the contact file's bytes, and how many contacts it holds.
    public var contactsSHA256: SHA256Digest
    public var contactCount: Int
    /// `callsCompleted` that means done.
    public var expected: Int
    public var plannedAfter: Timestamp
    public var windows: [ScheduleWindow]
    public var outside: [OutsideCallingHours]

    /// A plan with every field given.
    public init(
        job: String, campaignID: String, cron: String, contactsSHA256: SHA256Digest, contactCount: Int, expected: Int,
        plannedAfter: Timestamp, windows: [ScheduleWindow], outside: [OutsideCallingHours]
    ) {
        self.job = job
        self.campaignID = campaignID
        self.cron = cron
        self.contactsSHA256 = contactsSHA256
        self.contactCount = contactCount
        self.expected = expected
        self.plannedAfter = plannedAfter
        self.windows = windows
        self.outside = outside
    }

    /// As recorded in `ScheduleWindowsPlanned`.
    public var json: JSONValue {
        [
            "job": .string(job), "campaign_id": .string(campaignID), "cron": .string(cron),
            "contacts_sha256": .string(contactsSHA256.hex), "contact_count": .int(Int64(contactCount)),
            "expected": .int(Int64(expected)), "planned_after": .string(plannedAfter.rfc3339),
            "windows": .array(windows.map(\.json)), "outside_calling_hours": .array(outside.map(\.json)),
        ]
    }

    /// Reads a recorded plan.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            job: try read.string("job"), campaignID: try read.string("campaign_id"), cron: try read.string("cron"),
            contactsSHA256: try read.digest("contacts_sha256"), contactCount: Int(try read.int("contact_count")),
            expected: Int(try read.int("expected")), plannedAfter: try read.instant("planned_after"),
            windows: try read.array("windows").enumerated().map {
                try ScheduleWindow(json: $1, field: "\(field).windows[\($0)]")
            },
            outside: try read.array("outside_calling_hours").enumerated().map { index, item in
                let entry = PayloadReader(item, field: "\(field).outside_calling_hours[\(index)]")
                return OutsideCallingHours(
                    timeZone: try entry.string("time_zone"), fireTime: try entry.instant("fire_time"),
                    contactIDs: try entry.strings("contact_ids"), callingHours: try entry.string("calling_hours"))
            })
    }
}

/// A schedule submission's intent or outcome: the window's key, and after the answer the schedule id or why
/// it failed.
public struct ScheduleSubmission: Sendable, Hashable {
    public var job: String
    /// The window's idempotency key, sent to CXone as `Idempotency-Key`.
    public var key: String
    public var timeZone: String
    public var start: Timestamp
    /// With `ScheduleSubmitted`: CXone's schedule id.
    public var scheduleID: String?
    /// With an outcome: the HTTP status, when there was one.
    public var status: Int?
    /// With `ScheduleSubmissionFailed`: why.
    public var reason: String?
    /// With `ScheduleSubmissionRequested`: the body sent.
    public var request: JSONValue?

    /// A submission record with every field given.
    public init(
        job: String, key: String, timeZone: String, start: Timestamp, scheduleID: String? = nil, status: Int? = nil,
        reason: String? = nil, request: JSONValue? = nil
    ) {
        self.job = job
        self.key = key
        self.timeZone = timeZone
        self.start = start
        self.scheduleID = scheduleID
        self.status = status
        self.reason = reason
        self.request = request
    }

    /// The key of its outcome (`ScheduleSubmitted`), so a window has at most one.
    public var outcomeKey: String { "submitted:\(key)" }

    /// As recorded.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "job": .string(job), "key": .string(key), "time_zone": .string(timeZone), "start": .string(start.rfc3339),
        ]
        if let scheduleID { fields["schedule_id"] = .string(scheduleID) }
        if let status { fields["status"] = .int(Int64(status)) }
        if let reason { fields["reason"] = .string(reason) }
        if let request { fields["request"] = request }
        return .object(fields)
    }

    /// Reads a recorded submission.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            job: try read.string("job"), key: try read.string("key"), timeZone: try read.string("time_zone"),
            start: try read.instant("start"), scheduleID: try read.optionalString("schedule_id"),
            status: json["status"]?.intValue.map { Int($0) }, reason: try read.optionalString("reason"),
            request: json["request"])
    }
}

/// `AnalyticsSampled`, `CampaignCompleted` and `CampaignMonitorTimedOut`: what a poll saw (its pages' rows as
/// received and the running total of `callsCompleted`), and how monitoring ended.
public struct CampaignProgress: Sendable, Hashable {
    public var job: String
    public var campaignID: String
    public var completed: Double
    public var expected: Int
    /// With `AnalyticsSampled`: the poll's number (1 is the first) and every page's rows.
    public var poll: Int?
    public var pages: [[JSONValue]]?

    /// A progress record with every field given.
    public init(
        job: String, campaignID: String, completed: Double, expected: Int, poll: Int? = nil, pages: [[JSONValue]]? = nil
    ) {
        self.job = job
        self.campaignID = campaignID
        self.completed = completed
        self.expected = expected
        self.poll = poll
        self.pages = pages
    }

    /// As recorded.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "job": .string(job), "campaign_id": .string(campaignID), "calls_completed": .number(completed),
            "expected": .int(Int64(expected)),
        ]
        if let poll { fields["poll"] = .int(Int64(poll)) }
        if let pages { fields["pages"] = .array(pages.map { .array($0) }) }
        return .object(fields)
    }

    /// Reads a recorded record.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        self.init(
            job: try read.string("job"), campaignID: try read.string("campaign_id"),
            completed: try read.number("calls_completed"), expected: Int(try read.int("expected")),
            poll: json["poll"]?.intValue.map { Int($0) })
    }
}
