import Foundation

/// Random version-4 UUIDs for new events, fast: xoshiro256** seeded once by the caller (the log seeds it
/// from the system's cryptographic generator; the core draws no random value of its own), instead of a
/// system call per id (Foundation's `UUID()` costs ~3 µs here, more than the rest of an append). Ids need
/// to be unique, not secret.
public struct EventIDGenerator: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator seeded with 256 bits drawn from `source`.
    public init(seededBy source: inout some RandomNumberGenerator) {
        state = (source.next(), source.next(), source.next(), source.next() | 1)
    }

    /// The next id.
    public mutating func next() -> UUID {
        var bytes: (UInt64, UInt64) = (nextWord(), nextWord())
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.loadUnaligned(as: uuid_t.self))
        }
    }

    private mutating func nextWord() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }
}
