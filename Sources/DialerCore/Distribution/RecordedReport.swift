import Foundation

/// A generated report as the log holds it: its `ReportGenerated`, its run's start, its chart bytes rebuilt
/// from the log (and checked against the recorded SHA-256), and its publication so far.
public struct RecordedReport: Sendable {
    public var generated: ReportGenerated
    /// The `ReportGenerated` event's id, the cause of the publication's first intent.
    public var generatedID: UUID?
    public var started: ReportRunStarted
    /// The chart's canonical bytes, the same as when the report was generated.
    public var document: [UInt8]
    /// What the chart was built from, for the report's other representations (`ReportFormat`).
    public var content: ReportContent
    public var publication: Publication

    /// Reads report `reportID` from `store`; throws `.notFound` when it is not there and `.corrupt` when its
    /// rebuilt bytes do not match what was recorded.
    public static func read(reportID: String, store: any EventStore) async throws -> RecordedReport {
        try await store.withSnapshot { try RecordedReport(reportID: reportID, snapshot: $0) }
    }

    /// Reads report `reportID` from `snapshot`, as `read(reportID:store:)` does.
    public init(reportID: String, snapshot: any EventSnapshot) throws {
        (generated, generatedID, started, document, content, publication) = try {
            let last = try snapshot.lastSequence()
            guard let (generated, generatedSeq) = try RecordedRun.report(reportID, snapshot: snapshot, throughSeq: last)
            else {
                throw DialerCoreError.notFound(what: "report", reason: "no report \(reportID) in the log")
            }
            let run = try RecordedRun(runID: generated.runID, snapshot: snapshot, throughSeq: generated.asOfSeq)
            let content = run.content(asOfSeq: generated.asOfSeq)
            let document = try ChartDocument(content).bytes
            guard SHA256Digest.of(document) == generated.sha256 else {
                throw DialerCoreError.corrupt(
                    seq: generatedSeq,
                    reason: "report \(reportID) rebuilt from the log does not match its recorded SHA-256 "
                        + generated.sha256.hex)
            }
            let publication = try ReportDirectory.publication(reportID, snapshot: snapshot)
            return (generated, try snapshot.envelope(at: generatedSeq)?.id, run.started, document, content, publication)
        }()
    }

    /// The report as `format`: the chart JSON as recorded, or the page or CSV rendered from the same content.
    public func bytes(_ format: ReportFormat) throws -> [UInt8] {
        try format.render(chart: document, content: content)
    }
}
