/// Every external effect in the log, one row each: when, what kind, for which campaigns, to whom or where,
/// what (a hash or id), and the outcome. Intents and outcomes are both rows, so a row without its outcome
/// shows an effect cut short. A pure fold: the same log prefix gives the same rows.
public struct AuditTrail: Sendable {
    /// One effect event.
    public struct Row: Sendable, Equatable {
        public var seq: UInt64
        public var at: Timestamp
        public var type: String
        public var campaigns: [String]
        /// The report or scheduling job it belongs to.
        public var subject: String
        /// To whom or where: a recipient, an object address, a URL, a CXone campaign's time zone.
        public var target: String
        /// What was sent: a SHA-256, a Message-ID, a schedule key.
        public var what: String
        /// What came of it; empty for an intent.
        public var outcome: String
    }

    /// The effect types, intents and outcomes.
    public static let types =
        PublicationEvent.types + [
            ScheduleEvent.submissionRequested, ScheduleEvent.submitted, ScheduleEvent.submissionFailed,
            ScheduleEvent.webhookRequested, ScheduleEvent.webhookAttempted, ScheduleEvent.webhookDelivered,
            ScheduleEvent.webhookAbandoned,
        ]

    public private(set) var rows: [Row] = []
    private var campaignsOfRun: [String: [String]] = [:]
    private var campaignOfJob: [String: String] = [:]
    private var webhookTarget: [String: (job: String, url: String)] = [:]

    /// An empty trail.
    public init() {}

    /// Folds one event of the log (any type; the ones that name campaigns are remembered).
    public mutating func apply(seq: UInt64, at: Timestamp, type: String, stream: String, payload: JSONValue) throws {
        let read = PayloadReader(payload, field: "seq \(seq) payload")
        func row(_ campaigns: [String], _ subject: String, _ target: String, _ what: String, _ outcome: String) {
            rows.append(
                Row(
                    seq: seq, at: at, type: type, campaigns: campaigns, subject: subject, target: target, what: what,
                    outcome: outcome))
        }
        let runCampaigns = campaignsOfRun[stream] ?? []
        switch type {
        case ReportEvent.runStarted:
            campaignsOfRun[stream] = try read.strings("campaigns")
        case ScheduleEvent.jobStarted:
            campaignOfJob[try read.string("job")] = try read.string("campaign_id")
        case PublicationEvent.uploadRequested, PublicationEvent.uploaded, PublicationEvent.uploadFailed:
            let address = try ObjectAddress(read).description
            let outcome =
                type == PublicationEvent.uploadRequested
                ? (payload["replaces"] == nil ? "" : "moved: \(try read.string("reason"))")
                : type == PublicationEvent.uploaded
                    ? "stored, ETag \(try read.string("etag"))" : try read.string("reason")
            let representation = try ReportFormat(read)
            let hash = (try? read.string("sha256")) ?? ""
            row(
                runCampaigns, try read.string("report_id"), address,
                representation == .json ? hash : "\(representation.noun) \(hash)", outcome)
        case PublicationEvent.linkRequested, PublicationEvent.linkIssued:
            let expires =
                payload["expires_at"] == nil ? "" : "valid until \(try read.instant("expires_at").rfc3339Seconds)"
            row(runCampaigns, try read.string("report_id"), try ObjectAddress(read).description, "link", expires)
        case PublicationEvent.emailRequested:
            row(
                runCampaigns, try read.string("report_id"), try read.string("recipient"),
                "\(try read.string("message_id")) body sha256 \(try read.string("body_sha256"))", "")
        case PublicationEvent.requested:
            row(
                runCampaigns, try read.string("report_id"), try read.strings("recipients").joined(separator: ", "),
                "publication requested", "")
        case PublicationEvent.emailAttempted:
            row(
                runCampaigns, try read.string("report_id"), try read.string("recipient"), try read.string("message_id"),
                "attempt \(try read.int("attempt")) claimed until \(try read.instant("deadline").rfc3339Seconds)")
        case PublicationEvent.emailed, PublicationEvent.emailFailed:
            let attempt = payload["attempt"] == nil ? "" : " (attempt \(try read.int("attempt")))"
            row(
                runCampaigns, try read.string("report_id"), try read.string("recipient"), try read.string("message_id"),
                "\(try read.string("result")): \(try read.string("reply"))\(attempt)")
        case ScheduleEvent.submissionRequested, ScheduleEvent.submitted, ScheduleEvent.submissionFailed:
            let job = try read.string("job")
            let outcome =
                type == ScheduleEvent.submitted
                ? "schedule \(try read.string("schedule_id"))"
                : type == ScheduleEvent.submissionFailed ? try read.string("reason") : ""
            row(
                campaignOfJob[job].map { [$0] } ?? [], job,
                "CXone \(try read.string("time_zone")) from \(try read.instant("start").rfc3339Seconds)",
                try read.string("key"), outcome)
        case ScheduleEvent.webhookRequested:
            let job = try read.string("job")
            let url = try read.string("url")
            webhookTarget[try read.string("delivery_id")] = (job, url)
            row(campaignOfJob[job].map { [$0] } ?? [], job, url, "body sha256 \(try read.string("body_sha256"))", "")
        case ScheduleEvent.webhookAttempted, ScheduleEvent.webhookDelivered, ScheduleEvent.webhookAbandoned:
            let delivery = try read.string("delivery_id")
            let known = webhookTarget[delivery]
            let outcome: String
            switch type {
            case ScheduleEvent.webhookAttempted:
                let error = try read.optionalString("error") ?? "no answer"
                let status = payload["status"]?.intValue.map { "HTTP \($0)" } ?? error
                outcome = "attempt \(try read.int("attempt")): \(status) in \(try read.int("duration_ms")) ms"
            case ScheduleEvent.webhookDelivered: outcome = "delivered after \(try read.int("attempts")) attempts"
            default: outcome = "abandoned: \(try read.string("reason"))"
            }
            row(
                known.flatMap { campaignOfJob[$0.job] }.map { [$0] } ?? [], known?.job ?? "", known?.url ?? "",
                delivery, outcome)
        default: break
        }
    }
}
