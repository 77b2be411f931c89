/// What a report is made of, as its projections (the chart JSON, the page, the CSV) read it: the header,
/// each reported campaign's derived hours (kept and dropped) in report order, the failed campaigns with
/// their reasons and the campaigns' observed history. Built once from the log (as recorded or re-derived),
/// so every projection of one report rests on the same inputs.
public struct ReportContent: Sendable {
    /// What the report is about.
    public var header: ChartDocument.Header
    /// The reported campaigns in report order, each with every hour derived for it.
    public var campaigns: [(id: String, intervals: [DerivedInterval])]
    /// The campaigns that could not be fetched, with the reason.
    public var failed: [String: String]
    /// The campaigns' observed hours as of the report (what compliance is computed from).
    public var history: ObservedHistory

    /// Content with every part given.
    public init(
        header: ChartDocument.Header, campaigns: [(id: String, intervals: [DerivedInterval])],
        failed: [String: String], history: ObservedHistory
    ) {
        self.header = header
        self.campaigns = campaigns
        self.failed = failed
        self.history = history
    }
}

extension ChartDocument {
    /// The chart of `content`. Fails on an unknown time zone.
    public init(_ content: ReportContent) throws {
        try self.init(
            header: content.header, campaigns: content.campaigns, failed: content.failed, history: content.history)
    }
}
