import Foundation

/// Reuses the `String`s of streams and types met again during a scan: a log repeats a handful of them
/// millions of times, and decoding and allocating each one again was a large share of replay time.
/// A small direct-mapped table: a miss costs one ordinary decode, a hit a short hash and a memcmp.
struct StringInterner {
    private var slots: [(bytes: [UInt8], string: String)?] = Array(repeating: nil, count: 256)

    /// The string of these UTF-8 bytes, shared with earlier calls for the same bytes.
    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return "" }
        // Length, and the last 8 bytes (where campaign and run ids differ), pick the slot.
        var tail: UInt64 = 0
        withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.suffix(8))) }
        let mixed = (tail ^ UInt64(bytes.count)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(mixed >> 56)
        if let cached = slots[slot], cached.bytes.count == bytes.count,
            cached.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, base, bytes.count) == 0 })
        {
            return cached.string
        }
        let string = String(decoding: bytes, as: UTF8.self)
        slots[slot] = (Array(bytes), string)
        return string
    }
}
