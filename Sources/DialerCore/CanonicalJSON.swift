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
        try self.init(value, scratch: &writer)
    }

    /// Encodes `value` in `scratch` (cleared first, its capacity reused) and keeps an exact-size copy:
    /// no regrowth while encoding, no spare capacity kept.
    public init(_ value: JSONValue, scratch: inout CanonicalJSONWriter) throws {
        scratch.bytes.removeAll(keepingCapacity: true)
        try scratch.write(value)
        bytes = Array(scratch.bytes)
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

/// Appends canonical JSON to a byte buffer; shared by payloads and envelopes. Writes bytes directly
/// (no intermediate strings): it sits on the append path of every event.
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
        case .object(let members): try write(members: members)
        }
    }

    /// Writes an object's members in key order. String order compares NFC scalars, which is the order
    /// of NFC UTF-8 bytes, and a Swift dictionary already holds canonically equivalent keys as one key.
    /// The keys are insertion-sorted beside their dictionary indexes in a stack buffer (payloads have a
    /// few dozen members at most): values are not copied, and nothing is hashed or allocated.
    private mutating func write(members: [String: JSONValue]) throws {
        typealias Keyed = (key: String, index: Dictionary<String, JSONValue>.Index)
        bytes.append(UInt8(ascii: "{"))
        let count = members.count
        try withUnsafeTemporaryAllocation(of: Keyed.self, capacity: count) { order in
            let base = order.baseAddress!
            var index = members.startIndex
            for slot in 0..<count {
                let key = members[index].key
                var at = slot
                while at > 0, key < base[at - 1].key {
                    (base + at).moveInitialize(from: base + at - 1, count: 1)
                    at -= 1
                }
                (base + at).initialize(to: (key, index))
                members.formIndex(after: &index)
            }
            defer {
                for slot in 0..<count { _ = (base + slot).move() }
            }
            for slot in 0..<count {
                if slot > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: base[slot].key)
                bytes.append(UInt8(ascii: ":"))
                try write(members[base[slot].index].value)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an integer in decimal.
    public mutating func write(int: Int64) {
        if int < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = int.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, no allocation
        withUnsafeMutableBytes(of: &scratch) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: digits[index...])
        }
    }

    /// Writes a finite double in its canonical form.
    public mutating func write(double: Double) throws {
        guard double.isFinite else {
            throw DialerCoreError.invalidField(field: "number", reason: "\(double) is not a finite number")
        }
        write(finite: double)
    }

    /// Writes a double the caller has checked is finite, in its canonical form.
    mutating func write(finite double: Double) {
        switch JSONValue.number(double) {
        case .int(let i): write(int: i)
        default: bytes.append(contentsOf: double.description.utf8)
        }
    }

    /// Writes a string, NFC-normalized and escaped.
    public mutating func write(string: String) {
        let plain = string.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard Self.isPlainASCII(UnsafeRawBufferPointer(utf8)) else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if plain != true { writeEscaped(utf8: Self.nfc(string).utf8) }
    }

    /// Whether `utf8` is printable ASCII without `"`, `\` or DEL: written as is between quotes, and
    /// already NFC. Checks eight bytes at a time (every string of every payload passes through here).
    public static func isPlainASCII(_ utf8: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// High bit set in each byte of `word` that is zero (exact: no false positives).
        func zeroBytes(_ word: UInt64) -> UInt64 { ~(((word & ~highs) &+ ~highs) | word) & highs }
        /// Non-ASCII bytes (high bit), control characters (top three bits clear), quote, backslash, DEL.
        func isPlain(_ word: UInt64) -> Bool {
            let control = zeroBytes(word & 0xE0E0_E0E0_E0E0_E0E0)
            let special =
                zeroBytes(word ^ (0x22 &* ones)) | zeroBytes(word ^ (0x5C &* ones)) | zeroBytes(word ^ (0x7F &* ones))
            return (word & highs) | control | special == 0
        }
        guard let base = utf8.baseAddress else { return true }
        let end = utf8.count
        var offset = 0
        while offset + 8 <= end {
            guard isPlain(UInt64(littleEndian: (base + offset).loadUnaligned(as: UInt64.self))) else { return false }
            offset += 8
        }
        guard offset < end else { return true }
        // The last one to seven bytes: the word ending at the last byte when there is one (its first
        // bytes were checked already), else the bytes gathered in a register and padded with spaces,
        // which pass (a copy through memory would stall the load that follows it).
        if end >= 8 { return isPlain(UInt64(littleEndian: (base + end - 8).loadUnaligned(as: UInt64.self))) }
        var last: UInt64 = 0x20 &* ones
        for index in 0..<end {
            let shift = UInt64(8 * index)
            last = last & ~(0xFF << shift) | UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
        }
        return isPlain(last)
    }

    /// Writes literal text as is (the caller guarantees it needs no escaping).
    public mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes already-canonical JSON bytes as is (inlinable, so callers in other modules get it specialized).
    @inlinable public mutating func writeRaw(bytes raw: some Collection<UInt8>) { bytes.append(contentsOf: raw) }

    /// Writes a UUID as a quoted lowercase string.
    public mutating func write(uuid: UUID) {
        // 38 bytes: a quote, 32 hex digits in groups of 8-4-4-4-12, a quote; formatted on the stack in
        // words, appended once.
        let (high, low) = withUnsafeBytes(of: uuid.uuid) {
            (
                UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            out.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
            out.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: high >> 32)), toByteOffset: 1, as: UInt64.self)
            out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 9, as: UInt8.self)
            let middle = Self.hexDigits(UInt32(truncatingIfNeeded: high))
            out.storeBytes(of: UInt32(truncatingIfNeeded: middle), toByteOffset: 10, as: UInt32.self)
            out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 14, as: UInt8.self)
            out.storeBytes(of: UInt32(truncatingIfNeeded: middle >> 32), toByteOffset: 15, as: UInt32.self)
            out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 19, as: UInt8.self)
            let last = Self.hexDigits(UInt32(truncatingIfNeeded: low >> 32))
            out.storeBytes(of: UInt32(truncatingIfNeeded: last), toByteOffset: 20, as: UInt32.self)
            out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 24, as: UInt8.self)
            out.storeBytes(of: UInt32(truncatingIfNeeded: last >> 32), toByteOffset: 25, as: UInt32.self)
            out.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: low)), toByteOffset: 29, as: UInt64.self)
            out.storeBytes(of: UInt8(ascii: "\""), toByteOffset: 37, as: UInt8.self)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0..<38]))
        }
    }

    /// Writes a digest as a quoted 64-digit lowercase hex string.
    public mutating func write(digest: SHA256Digest) {
        // 66 bytes: formatted on the stack in words, appended once.
        var text: (SIMD64<UInt8>, UInt16) = (SIMD64(), 0)
        withUnsafeMutableBytes(of: &text) { out in
            out.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
            digest.writeHex(to: out, at: 1)
            out.storeBytes(of: UInt8(ascii: "\""), toByteOffset: 65, as: UInt8.self)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0..<66]))
        }
    }

    /// The eight lowercase hex digits of `value`, most significant first in memory (a little-endian
    /// word): each nibble spread into a byte, then turned into its digit, all eight at once.
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var x = UInt64(value.byteSwapped)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        // Each byte now holds one byte of `value`, first byte first; split it into high then low nibble.
        x = (x >> 4 | x << 8) & 0x0F0F_0F0F_0F0F_0F0F
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return (x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27).littleEndian
    }

    /// Writes an instant as a quoted RFC 3339 UTC string with milliseconds.
    public mutating func write(timestamp: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        timestamp.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendHex(_ byte: UInt8) {
        bytes.append(Self.hexDigit(byte >> 4))
        bytes.append(Self.hexDigit(byte & 0xF))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 48 + nibble : 87 + nibble }

    private mutating func writeEscaped(utf8: String.UTF8View) {
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
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                appendHex(byte)
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
}

extension CanonicalJSON {
    /// Wraps bytes that a trusted store wrote from a `CanonicalJSON` (no re-validation; `verify` checks).
    public init(trusted bytes: [UInt8]) { self.bytes = bytes }
}
