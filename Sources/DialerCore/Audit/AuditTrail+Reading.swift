extension AuditTrail {
    /// Which rows to keep.
    public struct Filter: Sendable {
        public var campaign: String?
        public var type: String?
        /// Recorded at or after.
        public var from: Timestamp?
        /// Recorded before.
        public var to: Timestamp?
        /// Only rows after this sequence (a page cursor).
        public var afterSeq: UInt64 = 0

        /// Every row.
        public init() {}

        func keeps(_ row: Row) -> Bool {
            row.seq > afterSeq && (campaign.map { row.campaigns.contains($0) } ?? true)
                && (type.map { row.type == $0 } ?? true) && (from.map { row.at >= $0 } ?? true)
                && (to.map { row.at < $0 } ?? true)
        }
    }

    /// The trail of `snapshot` through `throughSeq`, filtered.
    public static func read(_ snapshot: any EventSnapshot, throughSeq: UInt64, filter: Filter = Filter()) throws
        -> [Row]
    {
        var trail = AuditTrail()
        let wanted = Set(types + [ReportEvent.runStarted, ScheduleEvent.jobStarted])
        try snapshot.scanInPlace(EventQuery(throughSeq: throughSeq)) { view in
            if wanted.contains(view.type) {
                try DialerCoreError.readingStored(seq: view.seq, type: view.type) {
                    try trail.apply(
                        seq: view.seq, at: view.recordedAt, type: view.type, stream: view.stream,
                        payload: try JSONParser.parse(Array(view.payloadBytes)))
                }
            }
            return true
        }
        return trail.rows.filter(filter.keeps)
    }

    /// The columns of a row, in order.
    public static let columns = ["seq", "recorded_at", "type", "campaigns", "subject", "target", "what", "outcome"]

    /// RFC 4180 CSV with a header line.
    public static func csv(_ rows: [Row]) -> String {
        func quoted(_ cell: String) -> String {
            cell.contains(where: { ",\"\n\r".contains($0) })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([columns] + rows.map(\.cells)).map { $0.map(quoted).joined(separator: ",") + "\r\n" }.joined()
    }
}

extension AuditTrail.Row {
    /// The row's cells, as `AuditTrail.columns` names them (campaigns joined by spaces).
    public var cells: [String] {
        [
            "\(seq)", at.rfc3339, type, campaigns.joined(separator: " "), subject, target, what, outcome,
        ]
    }

    /// As a JSON object: `seq` a number, `campaigns` an array, the rest strings.
    public var json: JSONValue {
        var fields = Dictionary(uniqueKeysWithValues: zip(AuditTrail.columns, cells).map { ($0, JSONValue.string($1)) })
        fields["seq"] = .int(Int64(seq))
        fields["campaigns"] = .array(campaigns.map(JSONValue.string))
        return .object(fields)
    }
}
