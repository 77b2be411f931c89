import Foundation

/// A domain event as the log stores it: its stored type name and version (never derived from the Swift
/// type's name, so renaming a type cannot break old logs), how it encodes to its payload and how it
/// decodes from one. Every stored type name has exactly one conforming type, and every write goes through
/// one (`EventDraft(_:stream:…)`), so no payload is built as an untyped dictionary.
public protocol RecordedEvent: Sendable {
    /// The stored type name, such as `MetricPageFetched`.
    static var storedType: String { get }
    /// The version of the payload's shape (bumped on a change of shape; readers upcast older ones).
    static var version: UInt32 { get }
    /// The payload as stored, as a JSON value.
    var json: JSONValue { get }
    /// The payload as appended: by default `json`, encoded when appended.
    var payload: EventDraft.Payload { get }
    /// Reads a stored payload; errors name the field under `field`.
    init(json: JSONValue, field: String) throws
}

extension RecordedEvent {
    public static var version: UInt32 { 1 }

    public var payload: EventDraft.Payload { .value(json) }

    /// Reads the payload of stored event `seq`. A payload that does not read is a damaged log, not bad
    /// input: the error is `DialerCoreError.corrupt` naming the sequence, the type and the field.
    public init(stored json: JSONValue, seq: UInt64) throws {
        self = try DialerCoreError.readingStored(seq: seq, type: Self.storedType) {
            try Self(json: json, field: "payload")
        }
    }

    /// Reads the event `view` shows, which must be of this type; errors as `init(stored:seq:)`.
    public init(_ view: EnvelopeView) throws {
        self = try DialerCoreError.readingStored(seq: view.seq, type: Self.storedType) {
            try Self(json: try JSONParser.parse(Array(view.payloadBytes)), field: "payload")
        }
    }
}

extension EventDraft {
    /// A draft of `event` in `stream`: its stored type name, version and payload come from the event.
    public init<Event: RecordedEvent>(
        _ event: Event, stream: String, correlationID: UUID? = nil, causationID: UUID? = nil,
        idempotencyKey: String? = nil, id: UUID? = nil
    ) {
        self.init(
            type: Event.storedType, version: Event.version, stream: stream, payload: event.payload,
            correlationID: correlationID, causationID: causationID, idempotencyKey: idempotencyKey, id: id)
    }
}

/// A payload shape recorded under more than one stored type name (a link requested, then issued).
public protocol EventBody: Sendable, Hashable {
    /// As stored.
    var json: JSONValue { get }
    /// Reads a stored payload; errors name the field under `field`.
    init(json: JSONValue, field: String) throws
}

/// A stored type name, as a type: the `Name` of a `NamedEvent`.
public protocol StoredTypeName {
    /// The stored type name.
    static var storedType: String { get }
}

/// The event of one stored type name whose payload shape (`Body`) other names share: `ReportLinkIssued` is
/// `NamedEvent<ReportLinkIssuedName, ReportLink>`.
public struct NamedEvent<Name: StoredTypeName, Body: EventBody>: RecordedEvent, Hashable {
    public static var storedType: String { Name.storedType }
    /// The payload.
    public var body: Body

    /// The event of `body`.
    public init(_ body: Body) { self.body = body }

    public var json: JSONValue { body.json }

    public init(json: JSONValue, field: String = "payload") throws { body = try Body(json: json, field: field) }
}
