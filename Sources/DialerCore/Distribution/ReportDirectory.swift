import Foundation

/// Where each report is in the log: `id/REPORT` holds the sequence of its newest `ReportGenerated` (those
/// of a run; `dialer-ledger sample`'s synthetic ones have none), and `publication/REPORT NUL SEQ` indexes
/// each publication event that names it, so a report and its publication are found by key.
public struct ReportDirectory: ViewProjector {
    /// The report directory view.
    public init() {}

    public var name: String { "reports" }
    public var version: UInt32 { 1 }
    public var types: Set<String> { Self.folded }
    private static let folded = Set(PublicationEvent.types + [ReportEvent.generated])

    /// Indexes one `ReportGenerated` or publication event by its report id (events without one pass by:
    /// the reader that parses the event in full names what is wrong with it).
    public func apply(_ event: EnvelopeView, to rows: any ViewRows) throws {
        let payload = try JSONParser.parse(Array(event.payloadBytes))
        guard let reportID = payload["report_id"]?.stringValue else { return }
        if event.type == ReportEvent.generated {
            guard payload["run_id"] != nil else { return }
            try rows.put(ViewKey.make("id/", reportID), ViewKey.bytes(event.seq))
        } else {
            try rows.put(ViewKey.make("publication/", reportID, seq: event.seq), [])
        }
    }

    /// The sequence of `reportID`'s newest `ReportGenerated` through `throughSeq`, or nil.
    public static func generatedSeq(_ reportID: String, snapshot: any EventSnapshot, throughSeq: UInt64) throws
        -> UInt64?
    {
        let rows = try snapshot.viewRows(ReportDirectory(), throughSeq: throughSeq)
        return try rows.value(forKey: ViewKey.make("id/", reportID)).flatMap(ViewKey.seq(endingAt:))
    }

    /// The id of every generated report, at the head.
    public static func reportIDs(snapshot: any EventSnapshot) throws -> [String] {
        var ids: [String] = []
        let prefix = ViewKey.make("id/")
        try snapshot.viewRows(ReportDirectory()).scan(ViewKeyRange(prefix: prefix), descending: false) { key, _ in
            ids.append(String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
            return true
        }
        return ids
    }

    /// The publication of `reportID` at the head, folded from its indexed events.
    public static func publication(_ reportID: String, snapshot: any EventSnapshot) throws -> Publication {
        try publications(snapshot: snapshot, prefix: ViewKey.make("publication/", reportID) + [0])[reportID]
            ?? Publication()
    }

    /// Every report that has publication events, with its publication, at the head.
    public static func publications(snapshot: any EventSnapshot) throws -> [String: Publication] {
        try publications(snapshot: snapshot, prefix: ViewKey.make("publication/"))
    }

    /// The publications whose index keys start with `prefix`, each folded from its events in order.
    private static func publications(snapshot: any EventSnapshot, prefix: [UInt8]) throws -> [String: Publication] {
        var events: [(reportID: String, seq: UInt64)] = []
        let skipped = ViewKey.make("publication/").count
        try snapshot.viewRows(ReportDirectory()).scan(ViewKeyRange(prefix: prefix), descending: false) { key, _ in
            guard key.count >= skipped + 9, let seq = ViewKey.seq(endingAt: key) else { return true }
            events.append((String(decoding: key[skipped..<key.count - 9], as: UTF8.self), seq))
            return true
        }
        var publications: [String: Publication] = [:]
        for (reportID, seq) in events {
            guard let event = try snapshot.envelope(at: seq) else { continue }
            try DialerCoreError.readingStored(seq: seq, type: event.type) {
                try publications[reportID, default: Publication()].apply(
                    type: event.type, payload: try JSONParser.parse(event.payload.bytes), reportID: reportID, seq: seq,
                    id: event.id)
            }
        }
        return publications
    }
}
