/// A representation of a report: the chart JSON (the recorded bytes), the page or the CSV.
public enum ReportFormat: String, Sendable, CaseIterable {
    case json, html, csv

    /// The media type it is served and uploaded with.
    public var mediaType: String {
        switch self {
        case .json: "application/json"
        case .html: ReportPage.mediaType
        case .csv: ReportCSV.mediaType
        }
    }

    /// The bytes of this representation: `chart` itself for JSON, else rendered from `content` (whose
    /// chart `chart` is).
    public func render(chart: [UInt8], content: @autoclosure () -> ReportContent) throws -> [UInt8] {
        switch self {
        case .json: return chart
        case .html: return ReportPage.html(try ReportView(content(), sha256: SHA256Digest.of(chart)))
        case .csv: return ReportCSV.csv(try ReportView(content(), sha256: SHA256Digest.of(chart)))
        }
    }
}
