import DialerCore
import Foundation

/// Deterministic, realistic report-run events for the demo, the benchmarks and the crash tests:
/// each batch is one simulated run for one campaign-day (run started, the hourly page as CXone sends
/// it, derived hours, report generated). Every event carries an idempotency key made of the tag, the
/// batch and its position, so writing the same tag again appends nothing twice.
struct SampleEvents {
    let tag: String
    let campaigns: [String]
    let batchSize: Int
    let firstDay: Int64
    /// Whether each batch also records a scheduling job's effects (for the views' tests).
    var effects = false

    /// The events of batch `batch`.
    func batch(_ batch: Int) -> [EventDraft] {
        let campaign = campaigns[batch % campaigns.count]
        let day = firstDay + Int64(batch / campaigns.count)
        let runID = Self.uuid("\(tag)/run/\(batch)")
        let hours = (0..<24).map { hourlyRow(campaign: campaign, day: day, hour: $0) }
        let dayStart = Timestamp(milliseconds: day * 86_400_000)
        let dayEnd = Timestamp(milliseconds: (day + 1) * 86_400_000)
        var drafts: [EventDraft] = []
        for index in 0..<batchSize {
            let (type, stream, payload): (String, String, JSONValue)
            if index == 0 {
                type = "ReportRunStarted"
                stream = "run:\(runID.uuidString.lowercased())"
                payload = [
                    "trigger": "sample", "campaigns": [.string(campaign)], "rule_set": "seed", "time_zone": "UTC",
                    "window": ["start": .string(dayStart.rfc3339), "end": .string(dayEnd.rfc3339)],
                ]
            } else if index == batchSize - 1 {
                type = "ReportGenerated"
                stream = "run:\(runID.uuidString.lowercased())"
                payload = [
                    "report_id": .string(Self.uuid("\(tag)/report/\(batch)").uuidString.lowercased()),
                    "rule_set": "seed", "sha256": .string(SHA256Digest.of(Array("\(tag)\(batch)".utf8)).hex),
                    "size": .int(Int64(8_000 + batch % 977)), "as_of_seq": 0,
                ]
            } else if index == 1 {
                type = "MetricPageFetched"
                stream = "campaign:\(campaign)"
                payload = [
                    "campaign_id": .string(campaign), "status": 200,
                    "request": [
                        "start_date": .string(dayStart.rfc3339), "end_date": .string(dayEnd.rfc3339),
                        "interval": "HOURLY",
                    ],
                    "rows": .array(hours.compactMap { $0 }),
                ]
            } else {
                let hour = (index - 2) % 24
                let row = hours[hour]
                type = "IntervalDerived"
                stream = "campaign:\(campaign)"
                let attempted = row?["calls_attempted"]?.intValue ?? 0
                payload = [
                    "campaign_id": .string(campaign),
                    "hour": .string(Timestamp(milliseconds: (day * 24 + Int64(hour)) * 3_600_000).rfc3339),
                    "calls_attempted": .int(attempted),
                    "calls_connected": row?["calls_connected"] ?? 0,
                    "calls_abandoned": row?["abandoned"] ?? 0,
                    "source": row == nil ? "interpolated" : "observed",
                    "kept": .bool(attempted >= 20),
                    "dropped_by": attempted >= 20 ? .null : "min_calls",
                    "rule_set": "seed",
                ]
            }
            drafts.append(
                EventDraft(
                    type: type, stream: stream, payload: payload, correlationID: runID,
                    idempotencyKey: "sample:\(tag):\(batch):\(index)"))
        }
        return effects ? drafts + scheduling(batch, campaign: campaign, day: dayStart) : drafts
    }

    /// A scheduling job of `campaign` as the worker records it, in four events: started with its plan,
    /// a window submitted (batch by batch one in three fails), analytics sampled, and, every other batch,
    /// completed: audit rows and completion counts, written in the batch's transaction.
    private func scheduling(_ batch: Int, campaign: String, day start: Timestamp) -> [EventDraft] {
        let job = "sched-\(campaign)-\(tag)-\(batch % 7)"
        let stream = ScheduleEvent.stream(job)
        let window = ScheduleWindow(
            campaignID: campaign, timeZone: "UTC", fireTime: start, start: start,
            end: Timestamp(milliseconds: start.milliseconds + 4 * 3_600_000), clipped: false, contactIDs: ["c\(batch)"])
        let plan = SchedulePlanned(
            job: job, campaignID: campaign, cron: "0 9 * * *", contactsSHA256: SHA256Digest.of([UInt8(batch % 256)]),
            contactCount: 1, expected: 10, plannedAfter: start, windows: [window], outside: [])
        let key = "\(job):\(batch)"
        let submission =
            batch % 3 == 0
            ? (
                ScheduleEvent.submissionFailed,
                ScheduleSubmission(job: job, key: key, timeZone: "UTC", start: start, reason: "503")
            )
            : (
                ScheduleEvent.submitted,
                ScheduleSubmission(job: job, key: key, timeZone: "UTC", start: start, scheduleID: "s\(batch)")
            )
        let progress = CampaignProgress(job: job, campaignID: campaign, completed: Double(batch % 11), expected: 10)
        var events: [(String, JSONValue)] = [
            (ScheduleEvent.jobStarted, ["job": .string(job), "campaign_id": .string(campaign)]),
            (ScheduleEvent.windowsPlanned, plan.json), (submission.0, submission.1.json),
            (ScheduleEvent.analyticsSampled, progress.json),
        ]
        if batch % 2 == 1 { events.append((ScheduleEvent.completed, progress.json)) }
        return events.enumerated().map { index, event in
            EventDraft(
                type: event.0, stream: stream, payload: event.1,
                idempotencyKey: "sample:\(tag):\(batch):\(batchSize + index)")
        }
    }

    /// One hour as CXone reports it, or nil for an hour without calls (CXone leaves those out).
    private func hourlyRow(campaign: String, day: Int64, hour: Int) -> JSONValue? {
        var random = SplitMix64(
            seed: UInt64(bitPattern: day) &* 31 &+ UInt64(hour) &+ UInt64(campaign.utf8.count) &* 7919)
        let curve = [
            0, 0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.0, 0.95, 0.9, 0.7, 0.8, 0.9, 0.85, 0.75, 0.6, 0.4, 0.3, 0.1, 0, 0, 0,
        ]
        guard curve[hour] > 0 else { return nil }
        let attempted = Int64(Double(120 + random.nonNegative() % 80) * curve[hour])
        let connected = attempted * Int64(25 + random.nonNegative() % 20) / 100
        let abandoned = random.nonNegative() % 17 == 0 ? -1 : Int64(random.nonNegative() % 6)
        return [
            "date": .string(Timestamp(milliseconds: (day * 24 + Int64(hour)) * 3_600_000).rfc3339),
            "calls_attempted": .int(attempted), "calls_connected": .int(connected), "abandoned": .int(abandoned),
            "avg_talk_time": .number(Double(9_000 + random.nonNegative() % 9_000) / 100),
        ]
    }

    /// A stable UUID derived from `name` (SHA-256, version and variant bits set).
    static func uuid(_ name: String) -> UUID {
        var bytes = Array(SHA256Digest.of(Array(name.utf8)).bytes.prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }
}

extension SplitMix64 {
    /// The next 63 random bits as a non-negative number (what the sample was first written with).
    fileprivate mutating func nonNegative() -> Int64 { Int64(bitPattern: next() >> 1) }
}
