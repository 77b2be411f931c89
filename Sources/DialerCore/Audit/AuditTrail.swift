/// Every external effect in the log, one row each: when, what kind, for which campaigns, to whom or where,
/// what (a hash or id), and the outcome. Intents and outcomes are both rows, so a row without its outcome
/// shows an effect cut short. A pure fold: the same log prefix gives the same rows.
public struct AuditTrail: ViewProjector {
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

    /// An audit trail view.
    public init() {}

    public var name: String { "audit" }
    public var version: UInt32 { 1 }
    public var types: Set<String> { Self.folded }
    private static let folded = Set(types + [ReportEvent.runStarted, ScheduleEvent.jobStarted])

    /// Folds one event: an effect becomes a row (`row/SEQ`, indexed by `campaign/ID NUL SEQ` and
    /// `type/NAME NUL SEQ`); a run's start and a job's start are remembered (`run/STREAM`, `job/JOB`), as is
    /// each webhook delivery's job and URL (`webhook/ID`), for the rows that follow.
    public func apply(_ event: EnvelopeView, to rows: any ViewRows) throws {
        let (seq, at, type, stream) = (event.seq, event.recordedAt, event.type, event.stream)
        let payload = try JSONParser.parse(Array(event.payloadBytes))
        let read = PayloadReader(payload, field: "seq \(seq) payload")
        func row(_ campaigns: [String], _ subject: String, _ target: String, _ what: String, _ outcome: String)
            throws
        {
            let row = Row(
                seq: seq, at: at, type: type, campaigns: campaigns, subject: subject, target: target, what: what,
                outcome: outcome)
            try rows.put(ViewKey.make("row/", seq: seq), try row.stored())
            try rows.put(ViewKey.make("type/", type, seq: seq), [])
            for campaign in Set(campaigns) { try rows.put(ViewKey.make("campaign/", campaign, seq: seq), []) }
        }
        func campaignOfJob(_ job: String) throws -> [String] {
            try rows.value(forKey: ViewKey.make("job/", job)).map { [String(decoding: $0, as: UTF8.self)] } ?? []
        }
        func runCampaigns() throws -> [String] {
            guard let bytes = try rows.value(forKey: ViewKey.make("run/", stream)) else { return [] }
            guard case .array(let campaigns) = try JSONParser.parse(bytes) else { return [] }
            return campaigns.compactMap(\.stringValue)
        }
        switch type {
        case ReportEvent.runStarted:
            let campaigns = try read.strings("campaigns")
            try rows.put(ViewKey.make("run/", stream), try CanonicalJSON(.array(campaigns.map(JSONValue.string))).bytes)
        case ScheduleEvent.jobStarted:
            try rows.put(ViewKey.make("job/", try read.string("job")), Array(try read.string("campaign_id").utf8))
        case PublicationEvent.uploadRequested, PublicationEvent.uploaded, PublicationEvent.uploadFailed:
            let address = try ObjectAddress(read).description
            let outcome =
                type == PublicationEvent.uploadRequested
                ? (payload["replaces"] == nil ? "" : "moved: \(try read.string("reason"))")
                : type == PublicationEvent.uploaded
                    ? "stored, ETag \(try read.string("etag"))" : try read.string("reason")
            let representation = try ReportFormat(read)
            let hash = (try? read.string("sha256")) ?? ""
            try row(
                try runCampaigns(), try read.string("report_id"), address,
                representation == .json ? hash : "\(representation.noun) \(hash)", outcome)
        case PublicationEvent.linkRequested, PublicationEvent.linkIssued:
            let expires =
                payload["expires_at"] == nil ? "" : "valid until \(try read.instant("expires_at").rfc3339Seconds)"
            try row(
                try runCampaigns(), try read.string("report_id"), try ObjectAddress(read).description, "link", expires)
        case PublicationEvent.emailRequested:
            try row(
                try runCampaigns(), try read.string("report_id"), try read.string("recipient"),
                "\(try read.string("message_id")) body sha256 \(try read.string("body_sha256"))", "")
        case PublicationEvent.requested:
            try row(
                try runCampaigns(), try read.string("report_id"),
                try read.strings("recipients").joined(separator: ", "),
                "publication requested", "")
        case PublicationEvent.emailAttempted:
            try row(
                try runCampaigns(), try read.string("report_id"), try read.string("recipient"),
                try read.string("message_id"),
                "attempt \(try read.int("attempt")) claimed until \(try read.instant("deadline").rfc3339Seconds)")
        case PublicationEvent.emailed, PublicationEvent.emailFailed:
            let attempt = payload["attempt"] == nil ? "" : " (attempt \(try read.int("attempt")))"
            try row(
                try runCampaigns(), try read.string("report_id"), try read.string("recipient"),
                try read.string("message_id"),
                "\(try read.string("result")): \(try read.string("reply"))\(attempt)")
        case ScheduleEvent.submissionRequested, ScheduleEvent.submitted, ScheduleEvent.submissionFailed:
            let job = try read.string("job")
            let outcome =
                type == ScheduleEvent.submitted
                ? "schedule \(try read.string("schedule_id"))"
                : type == ScheduleEvent.submissionFailed ? try read.string("reason") : ""
            try row(
                try campaignOfJob(job), job,
                "CXone \(try read.string("time_zone")) from \(try read.instant("start").rfc3339Seconds)",
                try read.string("key"), outcome)
        case ScheduleEvent.webhookRequested:
            let job = try read.string("job")
            let url = try read.string("url")
            try rows.put(
                ViewKey.make("webhook/", try read.string("delivery_id")),
                try CanonicalJSON(.array([.string(job), .string(url)])).bytes)
            try row(try campaignOfJob(job), job, url, "body sha256 \(try read.string("body_sha256"))", "")
        case ScheduleEvent.webhookAttempted, ScheduleEvent.webhookDelivered, ScheduleEvent.webhookAbandoned:
            let delivery = try read.string("delivery_id")
            let known = try rows.value(forKey: ViewKey.make("webhook/", delivery)).map { bytes in
                guard case .array(let pair) = try JSONParser.parse(bytes), pair.count == 2 else {
                    return (job: "", url: "")
                }
                return (job: pair[0].stringValue ?? "", url: pair[1].stringValue ?? "")
            }
            let outcome: String
            switch type {
            case ScheduleEvent.webhookAttempted:
                let error = try read.optionalString("error") ?? "no answer"
                let status = payload["status"]?.intValue.map { "HTTP \($0)" } ?? error
                outcome = "attempt \(try read.int("attempt")): \(status) in \(try read.int("duration_ms")) ms"
            case ScheduleEvent.webhookDelivered: outcome = "delivered after \(try read.int("attempts")) attempts"
            default: outcome = "abandoned: \(try read.string("reason"))"
            }
            try row(
                try known.map { try campaignOfJob($0.job) } ?? [], known?.job ?? "", known?.url ?? "",
                delivery, outcome)
        default: break
        }
    }
}
