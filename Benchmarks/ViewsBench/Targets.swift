import Foundation

/// What the benchmark reads, found in the log through the API: a report, a campaign with its newest
/// scheduling job, and an audit time range, all from the middle of the log rather than its head.
struct Targets {
    let lastSeq: UInt64
    let campaign: String
    /// The stream of the campaign's newest scheduling job (`schedule:JOB`).
    let jobStream: String
    let reportID: String
    /// The stream of the report's run (`run:ID`).
    let runStream: String
    /// The audit range: from the report a quarter into the real runs to the log's head.
    let from: String
    let to: String
    /// The sequence of the event the range starts at.
    let fromSeq: UInt64

    var auditPath: String { "/api/v1/audit?campaign=\(campaign)&from=\(from)&to=\(to)&limit=100" }
    var completionPath: String { "/api/v1/campaigns/\(campaign)/completion" }
    var reportPath: String { "/api/v1/reports/\(reportID)" }

    var summary: String {
        "report \(reportID) (\(runStream)); completion of \(campaign) (\(jobStream)); audit of \(campaign) "
            + "from \(from) (seq \(fromSeq)) to \(to)"
    }

    /// Finds the targets by reading the real runs' `ReportGenerated` and the jobs' `ScheduleJobStarted`.
    static func find(_ api: API) async throws -> Targets {
        let reports = try await events(api, type: "ReportGenerated").filter { payload($0)["run_id"] != nil }
        let jobs = try await events(api, type: "ScheduleJobStarted")
        guard !reports.isEmpty, !jobs.isEmpty else {
            throw API.Refusal(path: "/api/v1/events", status: 200, body: "the log holds no real report run or job")
        }
        let report = reports[reports.count / 2]
        let campaign = payload(jobs[jobs.count / 2])["campaign_id"] as? String ?? ""
        let newestJob = jobs.last { payload($0)["campaign_id"] as? String == campaign } ?? jobs[jobs.count / 2]
        let start = reports[reports.count / 4]
        let last = try await lastEvent(api)
        return Targets(
            lastSeq: seq(last), campaign: campaign, jobStream: newestJob["stream"] as? String ?? "",
            reportID: payload(report)["report_id"] as? String ?? "", runStream: report["stream"] as? String ?? "",
            from: start["recorded_at"] as? String ?? "", to: later(last["recorded_at"] as? String ?? ""),
            fromSeq: seq(start) - 1)
    }

    /// Every event of `type`, oldest first, read page by page.
    private static func events(_ api: API, type: String) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var after: UInt64 = 0
        while true {
            let page = try await api.json("/api/v1/events?type=\(type)&after=\(after)&limit=1000")
            all += page["events"] as? [[String: Any]] ?? []
            guard let next = page["next_after"] as? NSNumber else { return all }
            after = next.uint64Value
        }
    }

    /// The newest event: found by halving, as the API pages oldest first.
    private static func lastEvent(_ api: API) async throws -> [String: Any] {
        var (low, high): (UInt64, UInt64) = (0, 1 << 40)
        while high - low > 1 {
            let middle = (low + high) / 2
            let page = try await api.json("/api/v1/events?after=\(middle - 1)&limit=1")
            if (page["events"] as? [Any])?.isEmpty == false { low = middle } else { high = middle }
        }
        let page = try await api.json("/api/v1/events?after=\(low - 1)&limit=1")
        return (page["events"] as? [[String: Any]])?.first ?? [:]
    }

    private static func payload(_ event: [String: Any]) -> [String: Any] { event["payload"] as? [String: Any] ?? [:] }

    private static func seq(_ event: [String: Any]) -> UInt64 { (event["seq"] as? NSNumber)?.uint64Value ?? 0 }

    /// An instant one second after `instant`, so the range includes the newest event.
    private static func later(_ instant: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: instant) ?? plain.date(from: instant) else { return instant }
        return plain.string(from: date.addingTimeInterval(1))
    }
}
