import Foundation

/// The most recent report runs that ended (a report generated, or the run failed), newest first, each with
/// its window, campaigns and publication status: what `report list` and the API show.
public enum ReportListing {
    /// One run that ended.
    public struct Entry: Sendable {
        public var reportID: String
        /// The sequence of its `ReportGenerated` or `ReportRunFailed`.
        public var seq: UInt64
        public var recordedAt: Timestamp
        /// The run's start: its campaigns, window and zone.
        public var started: ReportRunStarted
        /// Campaigns that could not be reported.
        public var failed: [String]
        /// Why the run failed, when no report was generated.
        public var runFailure: String?
        public var publication: PublicationStatus

        /// As `report list --format json` shows it.
        public var json: JSONValue {
            [
                "report_id": .string(reportID), "seq": .int(Int64(seq)), "recorded_at": .string(recordedAt.rfc3339),
                "outcome": .string(runFailure == nil ? "generated" : "failed"),
                "run_failure": runFailure.map(JSONValue.string) ?? .null,
                "campaigns": .array(started.campaigns.map(JSONValue.string)),
                "failed": .array(failed.map(JSONValue.string)), "window": started.window.json,
                "time_zone": .string(started.timeZone), "publication": publication.json,
            ]
        }
    }

    /// The newest `limit` runs that ended, as of `snapshot`.
    public static func recent(snapshot: any EventSnapshot, limit: Int, maxEmailAttempts: Int) throws -> [Entry] {
        var ended: [(seq: UInt64, recordedAt: Timestamp, payload: JSONValue, failed: Bool)] = []
        for type in [ReportEvent.generated, ReportEvent.runFailed] {
            try snapshot.scanInPlace(EventQuery(type: type, newestFirst: true, limit: limit)) { view in
                let payload = try DialerCoreError.readingStored(seq: view.seq, type: view.type) {
                    try JSONParser.parse(Array(view.payloadBytes))
                }
                if payload["run_id"] != nil {
                    ended.append((view.seq, view.recordedAt, payload, type == ReportEvent.runFailed))
                }
                return true
            }
        }
        return try ended.sorted { $0.seq > $1.seq }.prefix(limit).map { run in
            let (reportID, runID, failed, reason): (String, UUID, [String], String?)
            if run.failed {
                let payload = try ReportRunFailed(stored: run.payload, seq: run.seq)
                (reportID, runID, failed, reason) = (payload.reportID, payload.runID, payload.failed, payload.reason)
            } else {
                let payload = try ReportGenerated(stored: run.payload, seq: run.seq)
                (reportID, runID, failed, reason) = (payload.reportID, payload.runID, payload.failed, nil)
            }
            var started: ReportRunStarted?
            try snapshot.scanInPlace(EventQuery(stream: ReportEvent.runStream(runID), type: ReportEvent.runStarted)) {
                view in
                started = try ReportRunStarted(view)
                return false
            }
            guard let started else {
                throw DialerCoreError.corrupt(seq: run.seq, reason: "run \(runID) has no ReportRunStarted")
            }
            return Entry(
                reportID: reportID, seq: run.seq, recordedAt: run.recordedAt, started: started, failed: failed,
                runFailure: reason,
                publication: PublicationStatus(
                    try ReportDirectory.publication(reportID, snapshot: snapshot), maxEmailAttempts: maxEmailAttempts))
        }
    }
}
