/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator that makes every simulated
/// number a pure function of the seed, independent of the Swift version's random algorithms.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for one cell of the simulated world: the seed mixed with the given parts.
    public init(seed: UInt64, _ parts: UInt64...) {
        var mixed = seed
        for part in parts {
            var single = SplitMix64(seed: mixed ^ part)
            mixed = single.next()
        }
        state = mixed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }

    /// A uniform integer in `range` (modulo bias is irrelevant at these sizes).
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// FNV-1a over the UTF-8 bytes of `text`: turns a campaign id into a seed part.
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
