import Crypto
import Foundation

/// A SHA-256 digest held inline (no allocation), printed as 64 lowercase hex digits.
public struct SHA256Digest: Sendable, Hashable, CustomStringConvertible {
    /// The digest as four big-endian words.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// The all-zero digest: the `prev_hash` of the first event.
    public static let zero = SHA256Digest(words: (0, 0, 0, 0))

    /// A digest from its four big-endian words.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// A digest from exactly 32 bytes.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        var w: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in bytes.enumerated() { w[i / 8] = w[i / 8] << 8 | UInt64(byte) }
        words = (w[0], w[1], w[2], w[3])
    }

    /// Parses 64 hex digits.
    public init?(hex: String) {
        self.init(hexBytes: Array(hex.utf8))
    }

    /// Parses 64 lowercase or uppercase hex digits given as bytes.
    init?<Bytes: RandomAccessCollection>(hexBytes chars: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        guard chars.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            let at = chars.startIndex + i
            guard let hi = Self.nibble(chars[at]), let lo = Self.nibble(chars[at + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        self.init(bytes: bytes)
    }

    /// The SHA-256 of `data`.
    public static func of<Bytes: DataProtocol>(_ data: Bytes) -> SHA256Digest {
        SHA256Digest(SHA256.hash(data: data))
    }

    /// The SHA-256 of contiguous bytes (the fast path used on every append).
    public static func of(_ bytes: [UInt8]) -> SHA256Digest {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalized()
    }

    fileprivate init(_ digest: SHA256.Digest) {
        words = digest.withUnsafeBytes { raw in
            (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            )
        }
    }

    /// The 32 bytes, big-endian.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// 64 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { out in
            writeHex(to: UnsafeMutableRawBufferPointer(out), at: 0)
            return 64
        }
    }

    /// Writes the 64 lowercase hex digits into `out` from `offset`, eight at a time.
    func writeHex(to out: UnsafeMutableRawBufferPointer, at offset: Int) {
        func put(_ word: UInt64, at position: Int) {
            out.storeBytes(
                of: CanonicalJSONWriter.hexDigits(UInt32(truncatingIfNeeded: word >> 32)), toByteOffset: position,
                as: UInt64.self)
            out.storeBytes(
                of: CanonicalJSONWriter.hexDigits(UInt32(truncatingIfNeeded: word)), toByteOffset: position + 8,
                as: UInt64.self)
        }
        put(words.0, at: offset)
        put(words.1, at: offset + 16)
        put(words.2, at: offset + 32)
        put(words.3, at: offset + 48)
    }

    public var description: String { hex }

    public static func == (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        default: return nil
        }
    }
}

/// A SHA-256 computation in progress. A copy forks it: hash a shared prefix once, finish many ways.
/// Sendable because swift-crypto's state is copy-on-write and never mutated while shared.
public struct SHA256Hasher: @unchecked Sendable {
    private var state = SHA256()

    /// A computation over no bytes yet.
    public init() {}

    /// Feeds `bytes`.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { state.update(bufferPointer: $0) } }

    /// The digest of everything fed so far (the computation can go on).
    public func finalized() -> SHA256Digest { SHA256Digest(state.finalize()) }
}
