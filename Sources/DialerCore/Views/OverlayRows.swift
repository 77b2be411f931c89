/// Rows in memory, over optional base rows that they change without writing to them: what a fold writes
/// before it is stored, a view folded from the log (no base), and a stored view with the events it has
/// not folded yet applied on top (what a reader serves when the view's checkpoint is behind the log).
public final class OverlayRows: ViewRows {
    private let base: (any ViewRowReading)?
    /// The rows written here: a value, or nil where a base row is deleted.
    public private(set) var changes: [[UInt8]: [UInt8]?] = [:]
    private var sortedKeys: [[UInt8]]?

    /// Empty changes over `base` (nil: over no rows).
    public init(over base: (any ViewRowReading)? = nil) { self.base = base }

    /// The rows `entries`, over no base.
    public init(entries: [[UInt8]: [UInt8]]) {
        base = nil
        changes = entries.mapValues { Optional($0) }
    }

    public func value(forKey key: [UInt8]) throws -> [UInt8]? {
        if let change = changes[key] { return change }
        return try base?.value(forKey: key)
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) throws {
        if changes.updateValue(value, forKey: key) == nil { sortedKeys = nil }
    }

    public func delete(_ key: [UInt8]) throws {
        if base == nil {
            if changes.removeValue(forKey: key) != nil { sortedKeys = nil }
        } else if changes.updateValue(nil, forKey: key) == nil {
            sortedKeys = nil
        }
    }

    /// Applies the changes to `rows`.
    public func commit(into rows: any ViewRows) throws {
        for (key, value) in changes {
            if let value { try rows.put(key, value) } else { try rows.delete(key) }
        }
    }

    /// The rows as a dictionary (deleted base rows left out; the base's other rows are not included).
    public var entries: [[UInt8]: [UInt8]] { changes.compactMapValues { $0 } }

    /// Merges the changes into the base's rows in key order.
    public func scan(_ range: ViewKeyRange, descending: Bool, _ visit: ([UInt8], [UInt8]) throws -> Bool) throws {
        if sortedKeys == nil { sortedKeys = changes.keys.sorted { $0.lexicographicallyPrecedes($1) } }
        var keys = sortedKeys!.filter(range.contains)
        if descending { keys.reverse() }
        func before(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            descending ? b.lexicographicallyPrecedes(a) : a.lexicographicallyPrecedes(b)
        }
        var next = 0
        var stopped = false
        /// Visits the changed rows that come before `limit` in scan order (all of them with no limit).
        func visitChanges(before limit: [UInt8]?) throws {
            while !stopped, next < keys.count, limit.map({ before(keys[next], $0) }) ?? true {
                if let value = changes[keys[next]]!, try !visit(keys[next], value) { stopped = true }
                next += 1
            }
        }
        try base?.scan(range, descending: descending) { key, value in
            try visitChanges(before: key)
            guard !stopped else { return false }
            if next < keys.count, keys[next] == key {
                let change = changes[key]!
                next += 1
                if let change, try !visit(key, change) { stopped = true }
            } else if try !visit(key, value) {
                stopped = true
            }
            return !stopped
        }
        try visitChanges(before: nil)
    }
}
