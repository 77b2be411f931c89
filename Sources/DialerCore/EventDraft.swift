import Foundation

/// An event not yet in the log: what a writer hands to `EventStore.append`.
public struct EventDraft: Sendable, Hashable {
    /// Stored type name, such as `MetricPageFetched`.
    public var type: String
    /// Version of the payload's shape.
    public var version: UInt32
    /// Stream such as `campaign:ID`.
    public var stream: String
    /// The payload; must be a JSON object.
    public var payload: JSONValue
    /// The run or job this belongs to.
    public var correlationID: UUID?
    /// The event that caused this one.
    public var causationID: UUID?
    /// Appending a key already in the log returns the existing event instead of a second one.
    public var idempotencyKey: String?
    /// A fixed id (for imports and tests); a new random one when nil.
    public var id: UUID?

    /// A draft with every field given.
    public init(
        type: String, version: UInt32 = 1, stream: String, payload: JSONValue, correlationID: UUID? = nil,
        causationID: UUID? = nil, idempotencyKey: String? = nil, id: UUID? = nil
    ) {
        self.type = type
        self.version = version
        self.stream = stream
        self.payload = payload
        self.correlationID = correlationID
        self.causationID = causationID
        self.idempotencyKey = idempotencyKey
        self.id = id
    }

    /// Longest stream name, in UTF-8 bytes (index keys must stay under LMDB's 511-byte limit).
    public static let maxStreamBytes = 256
    /// Longest type name, in bytes.
    public static let maxTypeBytes = 128
    /// Longest idempotency key, in UTF-8 bytes.
    public static let maxIdempotencyKeyBytes = 256

    /// Checks every field and returns the draft with its strings in NFC and its payload encoded.
    /// `position` is the draft's index in its batch, used in error messages.
    public func validated(position: Int) throws -> (draft: EventDraft, payload: CanonicalJSON) {
        func fail(_ field: String, _ reason: String) -> DialerCoreError {
            .invalidField(field: "events[\(position)].\(field)", reason: reason)
        }
        var draft = self
        let typeBytes = type.utf8
        guard let first = typeBytes.first, Self.isLetter(first),
            typeBytes.allSatisfy({ Self.isLetter($0) || (48...57).contains($0) || $0 == 0x5F || $0 == 0x2E })
        else {
            throw fail("type", "\"\(type)\" must start with a letter and hold only letters, digits, '_' and '.'")
        }
        guard typeBytes.count <= Self.maxTypeBytes else { throw fail("type", "longer than \(Self.maxTypeBytes) bytes") }
        guard version >= 1 else { throw fail("version", "must be 1 or more, got \(version)") }
        draft.stream = try Self.checkedName(stream, max: Self.maxStreamBytes) { fail("stream", $0) }
        if let key = idempotencyKey {
            draft.idempotencyKey = try Self.checkedName(key, max: Self.maxIdempotencyKeyBytes) {
                fail("idempotency_key", $0)
            }
        }
        guard case .object = payload else { throw fail("payload", "must be a JSON object") }
        let encoded: CanonicalJSON
        do {
            encoded = try CanonicalJSON(payload)
        } catch let error as DialerCoreError {
            throw fail("payload", error.description)
        }
        return (draft, encoded)
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }

    private static func checkedName(
        _ value: String, max: Int, _ fail: (String) -> DialerCoreError
    ) throws -> String {
        // Printable ASCII (the usual case) is already NFC and free of control characters.
        let printableASCII = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        let normalized = printableASCII ? value : CanonicalJSONWriter.nfc(value)
        let bytes = normalized.utf8
        guard !bytes.isEmpty else { throw fail("must not be empty") }
        guard bytes.count <= max else { throw fail("longer than \(max) bytes") }
        guard printableASCII || !normalized.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw fail("must not contain control characters")
        }
        return normalized
    }
}
