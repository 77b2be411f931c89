/// A view kept up to date in the log's store: a pure fold of the events of a few types into sorted rows
/// (its state between events is rows too), so a store can apply it in the transaction that appends the
/// events, and a reader can fold the same projector over any prefix of the log.
public protocol ViewProjector: Sendable {
    /// The view's name, as stored.
    var name: String { get }
    /// Bumped when the rows change shape or meaning: a store refolds a view whose version differs.
    var version: UInt32 { get }
    /// The event types the fold reads; every other event passes it by.
    var types: Set<String> { get }
    /// Folds one event of the view's types into `rows`.
    func apply(_ event: EnvelopeView, to rows: any ViewRows) throws
}

/// The views every store maintains.
public enum ViewCatalog {
    /// Every maintained view.
    public static let all: [any ViewProjector] = [AuditTrail(), CompletionProjection(), ReportDirectory()]

    /// The view named `name`.
    public static func projector(named name: String) -> (any ViewProjector)? { all.first { $0.name == name } }

    /// Every type some view reads: an appended event of another type costs one set lookup.
    public static let types: Set<String> = all.reduce(into: []) { $0.formUnion($1.types) }
}

/// The row recording that an event could not be folded: the view stops there, and readers get the error
/// a fold from the log gives (a damaged log at that sequence).
enum ViewFailure {
    static let key = Array("!failure".utf8)

    /// Throws the recorded failure of `rows`, if there is one.
    static func check(_ rows: any ViewRowReading) throws {
        guard let bytes = try rows.value(forKey: key) else { return }
        let json = try JSONParser.parse(bytes)
        throw DialerCoreError.corrupt(
            seq: json["seq"]?.intValue.map(UInt64.init), reason: json["reason"]?.stringValue ?? "")
    }

    static func record(_ error: DialerCoreError, seq: UInt64) throws -> [UInt8] {
        let reason: String
        switch error {
        case .corrupt(_, let why): reason = why
        default: reason = error.description
        }
        return try CanonicalJSON(["seq": .int(Int64(seq)), "reason": .string(reason)]).bytes
    }
}

extension ViewProjector {
    /// Folds `event` into `rows` if the view reads its type. The event's changes are written whole or not
    /// at all: an event the fold refuses (bad input) is recorded as the view's failure, and the view folds
    /// nothing after it (readers get the error, as a fold from the log would give it).
    public func fold(_ event: EnvelopeView, into rows: any ViewRows) throws {
        guard types.contains(event.type), try rows.value(forKey: ViewFailure.key) == nil else { return }
        let pending = OverlayRows(over: rows)
        do {
            try DialerCoreError.readingStored(seq: event.seq, type: event.type) { try apply(event, to: pending) }
        } catch let error as DialerCoreError {
            try rows.put(ViewFailure.key, try ViewFailure.record(error, seq: event.seq))
            return
        }
        try pending.commit(into: rows)
    }
}
