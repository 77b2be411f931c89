import Foundation

/// Canonically encoded JSON bytes: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
/// strings in Unicode NFC with minimal escaping, integers in decimal and other numbers in the shortest
/// form that reads back to the same double. The same value always gives the same bytes.
public struct CanonicalJSON: Sendable, Hashable {
    /// The encoded UTF-8 bytes.
    public let bytes: [UInt8]

    /// Encodes `value`; fails on a non-finite number.
    public init(_ value: JSONValue) throws {
        var writer = CanonicalJSONWriter()
        try writer.write(value)
        bytes = writer.bytes
    }

    /// Wraps bytes that are already canonical JSON; `validating` re-encodes them to prove it.
    public init(bytes: [UInt8], validating: Bool) throws {
        if validating {
            let value = try JSONParser.parse(bytes)
            let again = try CanonicalJSON(value)
            guard again.bytes == bytes else {
                throw DialerCoreError.invalidJSON(offset: 0, reason: "not in canonical form")
            }
        }
        self.bytes = bytes
    }

    /// The value these bytes encode.
    public func decoded() throws -> JSONValue { try JSONParser.parse(bytes) }

    /// The bytes as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Appends canonical JSON to a byte buffer; shared by payloads and envelopes.
public struct CanonicalJSONWriter {
    /// What has been written so far.
    public var bytes: [UInt8] = []

    /// A writer with an empty buffer of the given capacity.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Writes any value.
    public mutating func write(_ value: JSONValue) throws {
        switch value {
        case .null: writeRaw("null")
        case .bool(let b): writeRaw(b ? "true" : "false")
        case .int(let i): write(int: i)
        case .double(let d): try write(double: d)
        case .string(let s): write(string: s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            let sorted = try Self.sortedMembers(members)
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in sorted.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeNormalized(utf8: member.key)
                bytes.append(UInt8(ascii: ":"))
                try write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes an integer in decimal.
    public mutating func write(int: Int64) { writeRaw(String(int)) }

    /// Writes a finite double in its canonical form.
    public mutating func write(double: Double) throws {
        guard double.isFinite else {
            throw DialerCoreError.invalidField(field: "number", reason: "\(double) is not a finite number")
        }
        switch JSONValue.number(double) {
        case .int(let i): write(int: i)
        default: writeRaw(double.description)
        }
    }

    /// Writes a string, NFC-normalized and escaped.
    public mutating func write(string: String) {
        writeNormalized(utf8: Array(Self.nfc(string).utf8))
    }

    /// Writes a key or literal text as is (the caller guarantees it needs no escaping).
    public mutating func writeRaw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Writes already-canonical JSON bytes as is.
    public mutating func writeRaw(bytes raw: [UInt8]) { bytes.append(contentsOf: raw) }

    private mutating func writeNormalized(utf8: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `string` in Unicode Normalization Form C (ASCII is returned untouched, cheaply).
    public static func nfc(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 < 0x80 }) { return string }
        return string.precomposedStringWithCanonicalMapping
    }

    private static func sortedMembers(_ members: [String: JSONValue]) throws -> [(key: [UInt8], value: JSONValue)] {
        var pairs = members.map { (key: Array(nfc($0.key).utf8), value: $0.value) }
        pairs.sort { $0.key.lexicographicallyPrecedes($1.key) }
        for index in pairs.indices.dropFirst() where pairs[index].key == pairs[index - 1].key {
            let name = String(decoding: pairs[index].key, as: UTF8.self)
            throw DialerCoreError.invalidField(field: name, reason: "key appears twice once normalized to NFC")
        }
        return pairs
    }
}

extension CanonicalJSON {
    /// Wraps bytes that a trusted store wrote from a `CanonicalJSON` (no re-validation; `verify` checks).
    public init(trusted bytes: [UInt8]) { self.bytes = bytes }
}
