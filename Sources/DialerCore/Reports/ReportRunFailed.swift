import Foundation

/// `ReportRunFailed`: a run in which no campaign could be fetched. It produced no report, so nothing is
/// published or e-mailed; the failures stay in the log as `MetricFetchFailed` facts and this event says why
/// the run as a whole failed, in words an operator can act on.
public struct ReportRunFailed: RecordedEvent, Hashable {
    public static let storedType = "ReportRunFailed"
    public var reportID: String
    public var runID: UUID
    /// The cause, secrets redacted: one line an operator can act on.
    public var reason: String
    /// The campaigns of the run, none of which could be fetched.
    public var failed: [String]

    /// A payload with every field given.
    public init(reportID: String, runID: UUID, reason: String, failed: [String]) {
        self.reportID = reportID
        self.runID = runID
        self.reason = reason
        self.failed = failed
    }

    /// As stored.
    public var json: JSONValue {
        [
            "report_id": .string(reportID), "run_id": .string(runID.uuidString.lowercased()),
            "reason": .string(reason), "failed": .array(failed.map(JSONValue.string)),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let runID = UUID(uuidString: try read.string("run_id")) else {
            throw read.fail("run_id", "must be a UUID")
        }
        self.init(
            reportID: try read.string("report_id"), runID: runID, reason: try read.string("reason"),
            failed: try read.strings("failed"))
    }
}
