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

    }

    /// The rows `filter` keeps, oldest first, at most `limit`, read from the audit view at the snapshot's
    /// head: a time range is a sequence range (recorded time never goes back along the sequence), and a
    /// campaign or type is a key range of its index, so a page reads only its rows.
    public static func read(_ snapshot: any EventSnapshot, filter: Filter = Filter(), limit: Int = .max) throws
        -> [Row]
    {
        let rows = try snapshot.viewRows(AuditTrail())
        var after = filter.afterSeq
        var through = try snapshot.lastSequence()
        if let from = filter.from, from.milliseconds > .min {
            after = max(
                after, try snapshot.lastSequence(recordedAtOrBefore: Timestamp(milliseconds: from.milliseconds - 1)))
        }
        if let to = filter.to {
            guard to.milliseconds > .min else { return [] }
            through = min(
                through, try snapshot.lastSequence(recordedAtOrBefore: Timestamp(milliseconds: to.milliseconds - 1)))
        }
        guard after < through, limit > 0 else { return [] }
        let index: (prefix: String, name: String?) =
            filter.campaign.map { ("campaign/", $0) } ?? filter.type.map { ("type/", $0) } ?? ("row/", nil)
        let range = ViewKeyRange(
            from: ViewKey.make(index.prefix, index.name, seq: after + 1),
            upTo: ViewKey.make(index.prefix, index.name, seq: through + 1))
        var found: [Row] = []
        try rows.scan(range, descending: false) { key, value in
            let row: Row
            if index.name == nil {
                row = try Row(stored: value)
            } else {
                guard let seq = ViewKey.seq(endingAt: key),
                    let stored = try rows.value(forKey: ViewKey.make("row/", seq: seq))
                else { return true }
                row = try Row(stored: stored)
            }
            if filter.type.map({ row.type == $0 }) ?? true { found.append(row) }
            return found.count < limit
        }
        return found
    }

    /// The columns of a row, in order.
    public static let columns = ["seq", "recorded_at", "type", "campaigns", "subject", "target", "what", "outcome"]

    /// RFC 4180 CSV with a header line.
    public static func csv(_ rows: [Row]) -> String {
        ([columns] + rows.map(\.cells)).map(CSVText.line).joined()
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

extension AuditTrail.Row {
    /// The row as the audit view stores it (canonical JSON, the instant in milliseconds).
    func stored() throws -> [UInt8] {
        var fields = Dictionary(uniqueKeysWithValues: zip(AuditTrail.columns, cells).map { ($0, JSONValue.string($1)) })
        fields["seq"] = .int(Int64(seq))
        fields["recorded_at"] = .int(at.milliseconds)
        fields["campaigns"] = .array(campaigns.map(JSONValue.string))
        return try CanonicalJSON(.object(fields)).bytes
    }

    /// A row as the audit view stores it.
    init(stored bytes: [UInt8]) throws {
        let read = PayloadReader(try JSONParser.parse(bytes), field: "audit row")
        self.init(
            seq: UInt64(try read.int("seq")), at: Timestamp(milliseconds: try read.int("recorded_at")),
            type: try read.string("type"), campaigns: try read.strings("campaigns"),
            subject: try read.string("subject"),
            target: try read.string("target"), what: try read.string("what"), outcome: try read.string("outcome"))
    }
}
