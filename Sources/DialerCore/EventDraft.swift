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
    public var payload: Payload
    /// The run or job this belongs to.
    public var correlationID: UUID?
    /// The event that caused this one.
    public var causationID: UUID?
    /// Appending a key already in the log returns the existing event instead of a second one.
    public var idempotencyKey: String?
    /// A fixed id (for imports and tests); a new random one when nil.
    public var id: UUID?

    /// A payload as a JSON value, or already in canonical form.
    public enum Payload: Sendable, Hashable {
        /// A JSON value, encoded when the draft is appended.
        case value(JSONValue)
        /// Canonical bytes written by a typed payload (`IntervalDerivedPayload.payload`): appended as they
        /// are, with no JSON value built and encoded for each event.
        case canonical(CanonicalJSON)

        /// The payload's canonical form (the JSON value encoded, or the bytes as given).
        public func canonical() throws -> CanonicalJSON {
            switch self {
            case .value(let value): return try CanonicalJSON(value)
            case .canonical(let bytes): return bytes
            }
        }
    }

    /// A draft with every field given.
    public init(
        type: String, version: UInt32 = 1, stream: String, payload: JSONValue, correlationID: UUID? = nil,
        causationID: UUID? = nil, idempotencyKey: String? = nil, id: UUID? = nil
    ) {
        self.init(
            type: type, version: version, stream: stream, payload: .value(payload), correlationID: correlationID,
            causationID: causationID, idempotencyKey: idempotencyKey, id: id)
    }

    /// A draft with every field given, its payload as a JSON value or in canonical form.
    public init(
        type: String, version: UInt32 = 1, stream: String, payload: Payload, correlationID: UUID? = nil,
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
        var scratch = CanonicalJSONWriter()
        let checked = try self.checked(position: position, scratch: &scratch)
        var draft = self
        draft.stream = checked.stream
        draft.idempotencyKey = checked.idempotencyKey
        return (draft, checked.payload)
    }

    /// Checks every field without copying the draft: its stream and idempotency key in NFC and its
    /// payload encoded in the reusable buffer `scratch`. `position` names the draft in errors.
    func checked(
        position: Int, scratch: inout CanonicalJSONWriter
    ) throws -> (stream: String, idempotencyKey: String?, payload: CanonicalJSON) {
        func fail(_ field: String, _ reason: String) -> DialerCoreError {
            .invalidField(field: "events[\(position)].\(field)", reason: reason)
        }
        guard Self.isTypeName(type) else {
            throw fail("type", "\"\(type)\" must start with a letter and hold only letters, digits, '_' and '.'")
        }
        guard type.utf8.count <= Self.maxTypeBytes else {
            throw fail("type", "longer than \(Self.maxTypeBytes) bytes")
        }
        guard version >= 1 else { throw fail("version", "must be 1 or more, got \(version)") }
        let stream = try Self.checkedName(stream, max: Self.maxStreamBytes) { fail("stream", $0) }
        let key = try idempotencyKey.map { key in
            try Self.checkedName(key, max: Self.maxIdempotencyKeyBytes) { fail("idempotency_key", $0) }
        }
        switch payload {
        case .canonical(let bytes):
            guard bytes.bytes.first == UInt8(ascii: "{") else { throw fail("payload", "must be a JSON object") }
            return (stream, key, bytes)
        case .value(let value):
            guard case .object = value else { throw fail("payload", "must be a JSON object") }
            do {
                return (stream, key, try CanonicalJSON(value, scratch: &scratch))
            } catch let error as DialerCoreError {
                throw fail("payload", error.description)
            }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }

    /// A letter, then letters, digits, '_' and '.'.
    private static func isTypeName(_ type: String) -> Bool {
        var type = type
        return type.withUTF8 { utf8 in
            guard let first = utf8.first, isLetter(first) else { return false }
            for byte in utf8 where !(isLetter(byte) || (48...57).contains(byte) || byte == 0x5F || byte == 0x2E) {
                return false
            }
            return true
        }
    }

    private static func checkedName(
        _ value: String, max: Int, _ fail: (String) -> DialerCoreError
    ) throws -> String {
        // Printable ASCII (the usual case) is already NFC and free of control characters; the fast check
        // also sends `"` and `\` down the general path, which accepts them.
        let printableASCII =
            value.utf8.withContiguousStorageIfAvailable { CanonicalJSONWriter.isPlainASCII(UnsafeRawBufferPointer($0)) }
            ?? false
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
