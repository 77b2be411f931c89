import Foundation

/// `ReportPublicationRequested`: the run's report is to be published, recorded with the run's start (one
/// transaction), so a run stopped before its first upload intent is still found and published by the next
/// `report publish`, cron tick or `report run --publish`. Names who is to get the link.
public struct ReportPublicationRequested: RecordedEvent, Hashable {
    public static let storedType = "ReportPublicationRequested"
    public var reportID: String
    public var runID: UUID
    /// Who the link is to be e-mailed to.
    public var recipients: [String]

    /// A payload with every field given.
    public init(reportID: String, runID: UUID, recipients: [String]) {
        self.reportID = reportID
        self.runID = runID
        self.recipients = recipients
    }

    /// At most one request per report.
    public var idempotencyKey: String { "publication:\(reportID)" }

    /// As stored.
    public var json: JSONValue {
        [
            "report_id": .string(reportID), "run_id": .string(runID.uuidString.lowercased()),
            "recipients": .array(recipients.map(JSONValue.string)),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        guard let runID = UUID(uuidString: try read.string("run_id")) else {
            throw read.fail("run_id", "must be a UUID")
        }
        self.init(reportID: try read.string("report_id"), runID: runID, recipients: try read.strings("recipients"))
    }
}
