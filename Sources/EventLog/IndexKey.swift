import DialerCore

/// Key layouts of the log's databases. Sequences are big-endian so byte order is numeric order.
enum IndexKey {
    /// The 8-byte big-endian key of an event.
    static func seq(_ seq: UInt64) -> [UInt8] { withUnsafeBytes(of: seq.bigEndian) { Array($0) } }

    /// `name` NUL seq: one entry of the stream or type index (names never contain NUL).
    static func named(_ name: String, seq: UInt64) -> [UInt8] {
        var key = Array(name.utf8)
        key.reserveCapacity(key.count + 9)
        key.append(0)
        withUnsafeBytes(of: seq.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    /// The prefix shared by every entry of `name`, including the NUL.
    static func prefix(_ name: String) -> [UInt8] { Array(name.utf8) + [0] }

    /// Recorded time (sign bit flipped so negative instants sort first) then the first seq recorded then.
    static func time(_ instant: Timestamp, seq: UInt64) -> [UInt8] {
        let ordered = UInt64(bitPattern: instant.milliseconds) ^ (1 << 63)
        return withUnsafeBytes(of: ordered.bigEndian) { Array($0) } + self.seq(seq)
    }

    /// The trailing 8-byte sequence of an index key or an 8-byte value.
    static func trailingSeq(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
    }

    /// The recorded time at the front of a time-index key.
    static func instant(ofTimeKey bytes: UnsafeRawBufferPointer) -> Timestamp? {
        guard bytes.count == 16 else { return nil }
        let ordered = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        return Timestamp(milliseconds: Int64(bitPattern: ordered ^ (1 << 63)))
    }
}
