import Foundation

/// What started a report run.
public enum ReportTrigger: String, Sendable, CaseIterable {
    /// The cron schedule.
    case cron
    /// A person or a REST call.
    case adhoc
    /// A person running one tick of a cron job now (`jobs run`): claimed and recorded as the cron runner does.
    case manual
}

/// The UTC window a report covers: [start, end).
public struct ReportWindow: Sendable, Hashable {
    public var start: Timestamp
    public var end: Timestamp

    /// The window [start, end).
    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    var json: JSONValue { ["start": .string(start.rfc3339), "end": .string(end.rfc3339)] }

    init(_ read: PayloadReader) throws {
        self.init(start: try read.instant("start"), end: try read.instant("end"))
    }
}

/// `ReportRunStarted`: the run's id, trigger, campaigns, window, time zone and rule set, and for a cron
/// run its job and scheduled time.
public struct ReportRunStarted: RecordedEvent, Hashable {
    public static let storedType = "ReportRunStarted"
    public var runID: UUID
    /// The id the run's report will carry.
    public var reportID: String
    public var trigger: ReportTrigger
    public var campaigns: [String]
    public var window: ReportWindow
    /// The IANA zone the chart's hours are labelled in.
    public var timeZone: String
    public var ruleSet: String
    public var ruleSetHash: SHA256Digest
    /// For a cron run: the job and the scheduled time it runs for.
    public var scheduled: (job: String, at: Timestamp)?

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.json == rhs.json
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    /// A payload with every field given.
    public init(
        runID: UUID, reportID: String, trigger: ReportTrigger, campaigns: [String], window: ReportWindow,
        timeZone: String, ruleSet: RuleSet, scheduled: (job: String, at: Timestamp)? = nil
    ) {
        self.scheduled = scheduled
        self.runID = runID
        self.reportID = reportID
        self.trigger = trigger
        self.campaigns = campaigns
        self.window = window
        self.timeZone = timeZone
        self.ruleSet = ruleSet.id
        self.ruleSetHash = ruleSet.hash
    }

    /// As stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "run_id": .string(runID.uuidString.lowercased()), "report_id": .string(reportID),
            "trigger": .string(trigger.rawValue), "campaigns": .array(campaigns.map(JSONValue.string)),
            "window": window.json, "time_zone": .string(timeZone), "rule_set": .string(ruleSet),
            "rule_set_hash": .string(ruleSetHash.hex),
        ]
        if let scheduled {
            fields["job"] = .string(scheduled.job)
            fields["scheduled_at"] = .string(scheduled.at.rfc3339)
        }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let runID = UUID(uuidString: try read.string("run_id")) else {
            throw read.fail("run_id", "must be a UUID")
        }
        guard let trigger = ReportTrigger(rawValue: try read.string("trigger")) else {
            throw read.fail("trigger", "must be cron, adhoc or manual")
        }
        self.runID = runID
        self.trigger = trigger
        reportID = try read.string("report_id")
        campaigns = try read.strings("campaigns")
        window = try ReportWindow(try read.object("window"))
        timeZone = try read.string("time_zone")
        ruleSet = try read.string("rule_set")
        ruleSetHash = try read.digest("rule_set_hash")
        scheduled = json["job"] == nil ? nil : (try read.string("job"), try read.instant("scheduled_at"))
    }
}

/// `MetricPageFetched`: one campaign's hourly report as CXone answered it, every row and field kept.
public struct MetricPageFetched: RecordedEvent, Hashable {
    public static let storedType = "MetricPageFetched"
    public var campaignID: String
    /// The window asked for.
    public var window: ReportWindow
    /// The path and query sent.
    public var path: String
    public var status: Int
    /// The rows exactly as received.
    public var rows: [JSONValue]

    /// A payload with every field given.
    public init(campaignID: String, window: ReportWindow, path: String, status: Int, rows: [JSONValue]) {
        self.campaignID = campaignID
        self.window = window
        self.path = path
        self.status = status
        self.rows = rows
    }

    /// As stored.
    public var json: JSONValue {
        [
            "campaign_id": .string(campaignID), "status": .int(Int64(status)), "rows": .array(rows),
            "request": [
                "start_date": .string(window.start.rfc3339Seconds), "end_date": .string(window.end.rfc3339Seconds),
                "interval": "HOURLY", "path": .string(path),
            ],
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        let request = try read.object("request")
        self.init(
            campaignID: try read.string("campaign_id"),
            window: ReportWindow(start: try request.instant("start_date"), end: try request.instant("end_date")),
            path: try request.string("path"), status: Int(try read.int("status")), rows: try read.array("rows"))
    }

    /// The rows read as observed hours; a row that is not the documented shape is an error naming it.
    public func observedHours() throws -> [ObservedHour] {
        try rows.indices.map { index in try ObservedHour(row: rows[index], field: "rows[\(index)]") }
    }
}

/// `MetricFetchFailed`: a campaign whose report could not be fetched or read, and why.
public struct MetricFetchFailed: RecordedEvent, Hashable {
    public static let storedType = "MetricFetchFailed"
    public var campaignID: String
    public var window: ReportWindow
    /// What went wrong, secrets redacted.
    public var reason: String
    /// The last HTTP status, when there was one.
    public var status: Int?
    /// Attempts made.
    public var attempts: Int

    /// A payload with every field given.
    public init(campaignID: String, window: ReportWindow, reason: String, status: Int?, attempts: Int) {
        self.campaignID = campaignID
        self.window = window
        self.reason = reason
        self.status = status
        self.attempts = attempts
    }

    /// As stored.
    public var json: JSONValue {
        [
            "campaign_id": .string(campaignID), "window": window.json, "reason": .string(reason),
            "status": status.map { .int(Int64($0)) } ?? .null, "attempts": .int(Int64(attempts)),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        let status: Int?
        switch json["status"] {
        case nil, .null?: status = nil
        default: status = Int(try read.int("status"))
        }
        self.init(
            campaignID: try read.string("campaign_id"), window: try ReportWindow(try read.object("window")),
            reason: try read.string("reason"), status: status, attempts: Int(try read.int("attempts")))
    }
}

/// `ReportGenerated`: the report's id, the log point it was built as of, its rule set, and the SHA-256
/// and size of its canonical JSON.
public struct ReportGenerated: RecordedEvent, Hashable {
    public static let storedType = "ReportGenerated"
    public var reportID: String
    public var runID: UUID
    /// The report is the projection of the log through this sequence.
    public var asOfSeq: UInt64
    public var ruleSet: String
    public var ruleSetHash: SHA256Digest
    public var sha256: SHA256Digest
    public var size: Int
    /// Campaigns that could not be reported.
    public var failed: [String]

    /// A payload with every field given.
    public init(
        reportID: String, runID: UUID, asOfSeq: UInt64, ruleSet: RuleSet, document: [UInt8], failed: [String]
    ) {
        self.reportID = reportID
        self.runID = runID
        self.asOfSeq = asOfSeq
        self.ruleSet = ruleSet.id
        self.ruleSetHash = ruleSet.hash
        sha256 = SHA256Digest.of(document)
        size = document.count
        self.failed = failed
    }

    /// As stored.
    public var json: JSONValue {
        [
            "report_id": .string(reportID), "run_id": .string(runID.uuidString.lowercased()),
            "as_of_seq": .int(Int64(asOfSeq)), "rule_set": .string(ruleSet), "rule_set_hash": .string(ruleSetHash.hex),
            "sha256": .string(sha256.hex), "size": .int(Int64(size)), "failed": .array(failed.map(JSONValue.string)),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let runID = UUID(uuidString: try read.string("run_id")) else {
            throw read.fail("run_id", "must be a UUID")
        }
        let asOf = try read.int("as_of_seq")
        guard asOf >= 0 else { throw read.fail("as_of_seq", "must be 0 or more") }
        self.runID = runID
        asOfSeq = UInt64(asOf)
        reportID = try read.string("report_id")
        ruleSet = try read.string("rule_set")
        ruleSetHash = try read.digest("rule_set_hash")
        sha256 = try read.digest("sha256")
        size = Int(try read.int("size"))
        failed = try read.strings("failed")
    }
}

/// `RuleSetActivated`: a rule set's whole content and its hash, recorded once per distinct content.
public struct RuleSetActivated: RecordedEvent, Hashable {
    public static let storedType = "RuleSetActivated"
    public var ruleSet: RuleSet

    /// The activation of `ruleSet`.
    public init(_ ruleSet: RuleSet) { self.ruleSet = ruleSet }

    /// The idempotency key that records each distinct content once.
    public var idempotencyKey: String { "rule-set:\(ruleSet.id):\(ruleSet.hash.hex)" }

    /// As stored.
    public var json: JSONValue {
        [
            "rule_set": .string(ruleSet.id), "version": .int(Int64(ruleSet.version)),
            "hash": .string(ruleSet.hash.hex), "content": ruleSet.document,
        ]
    }

    /// Reads a stored payload; the content must hash to the recorded hash.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        ruleSet = try RuleSet(json: try read.object("content").json)
        guard ruleSet.hash == (try read.digest("hash")) else {
            throw read.fail("hash", "does not match the content")
        }
    }
}
