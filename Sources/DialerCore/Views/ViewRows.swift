/// Read access to the rows of one view: byte keys in byte order, each with a value.
public protocol ViewRowReading {
    /// The value under `key`, or nil.
    func value(forKey key: [UInt8]) throws -> [UInt8]?
    /// Visits the rows whose keys fall in `range`, ascending (or descending), until `visit` returns false.
    func scan(_ range: ViewKeyRange, descending: Bool, _ visit: ([UInt8], [UInt8]) throws -> Bool) throws
}

/// The rows of one view as a projector writes them.
public protocol ViewRows: ViewRowReading {
    /// Stores `value` under `key`.
    func put(_ key: [UInt8], _ value: [UInt8]) throws
    /// Removes `key` (nothing when absent).
    func delete(_ key: [UInt8]) throws
}

/// A range of view keys: from `lower` (included) up to `upper` (excluded; nil: to the end).
public struct ViewKeyRange: Sendable, Hashable {
    public var lower: [UInt8]
    public var upper: [UInt8]?

    /// The keys from `lower` up to `upper`.
    public init(from lower: [UInt8], upTo upper: [UInt8]?) {
        self.lower = lower
        self.upper = upper
    }

    /// Every key that starts with `prefix`.
    public init(prefix: [UInt8]) {
        lower = prefix
        var upper = prefix
        while let last = upper.last, last == 0xFF { upper.removeLast() }
        if upper.isEmpty {
            self.upper = nil
        } else {
            upper[upper.count - 1] += 1
            self.upper = upper
        }
    }

    /// Whether `key` falls in the range.
    public func contains(_ key: [UInt8]) -> Bool {
        !key.lexicographicallyPrecedes(lower) && (upper.map { key.lexicographicallyPrecedes($0) } ?? true)
    }
}

/// How views build their keys: a text prefix, then a name and a NUL, then a big-endian sequence, so that
/// one name's keys sort by sequence and a sequence range is a key range.
public enum ViewKey {
    /// `prefix`, then `name` and a NUL when a name is given, then `seq` big-endian when given.
    public static func make(_ prefix: String, _ name: String? = nil, seq: UInt64? = nil) -> [UInt8] {
        var key = Array(prefix.utf8)
        if let name {
            key += name.utf8
            if seq != nil { key.append(0) }
        }
        if let seq { withUnsafeBytes(of: seq.bigEndian) { key += $0 } }
        return key
    }

    /// The sequence in the last eight bytes of `key`.
    public static func seq(endingAt key: [UInt8]) -> UInt64? {
        guard key.count >= 8 else { return nil }
        return key.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `seq` as eight big-endian bytes (a view's value).
    public static func bytes(_ seq: UInt64) -> [UInt8] { make("", seq: seq) }

    /// A key as a person reads it: printable ASCII as is, other bytes as `\xNN`.
    public static func describe(_ key: [UInt8]) -> String {
        key.map { (0x20..<0x7F).contains($0) && $0 != 0x5C ? String(UnicodeScalar($0)) : "\\x" + hex($0) }.joined()
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}

extension ViewRowReading {
    /// The key of the first row where `self` and `other` differ (a row in one and not the other, or another
    /// value), or nil when they hold the same rows; both are read in pages of `pageSize`.
    public func firstDifference(from other: any ViewRowReading, pageSize: Int = 1_024) throws -> [UInt8]? {
        var lower: [UInt8] = []
        while true {
            let mine = try page(from: lower, pageSize)
            let theirs = try other.page(from: lower, pageSize)
            for (a, b) in zip(mine, theirs) where a != b {
                return a.key.lexicographicallyPrecedes(b.key) ? a.key : b.key
            }
            if mine.count != theirs.count {
                return mine.count < theirs.count ? theirs[mine.count].key : mine[theirs.count].key
            }
            guard mine.count == pageSize, let last = mine.last else { return nil }
            lower = last.key + [0]
        }
    }

    private func page(from lower: [UInt8], _ size: Int) throws -> [Row] {
        var rows: [Row] = []
        try scan(ViewKeyRange(from: lower, upTo: nil), descending: false) { key, value in
            rows.append(Row(key: key, value: value))
            return rows.count < size
        }
        return rows
    }
}

private struct Row: Equatable {
    var key: [UInt8]
    var value: [UInt8]
}
