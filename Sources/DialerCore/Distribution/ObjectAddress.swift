/// Where a published report lives: the store kind (`s3` or `local`), the bucket and the key.
public struct ObjectAddress: Sendable, Hashable, CustomStringConvertible {
    public var store: String
    public var bucket: String
    public var key: String

    /// An address from its parts.
    public init(store: String, bucket: String, key: String) {
        self.store = store
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key` or `local://local/key`.
    public var description: String { "\(store)://\(bucket)/\(key)" }

    /// Where the report's `format` goes beside the JSON at this address: the key's `.json` replaced by
    /// `.html` or `.csv` (the extension appended to a key without `.json`); this address for `.json`.
    public func companion(_ format: ReportFormat) -> ObjectAddress {
        guard format != .json else { return self }
        let stem = key.hasSuffix(".json") ? String(key.dropLast(5)) : key
        return ObjectAddress(store: store, bucket: bucket, key: stem + "." + format.rawValue)
    }

    /// The fields it adds to a payload.
    var fields: [String: JSONValue] { ["store": .string(store), "bucket": .string(bucket), "key": .string(key)] }

    /// Reads the fields of a payload.
    init(_ read: PayloadReader) throws {
        let store = try read.string("store")
        guard store == "s3" || store == "local" else { throw read.fail("store", "must be s3 or local") }
        self.init(store: store, bucket: try read.string("bucket"), key: try read.string("key"))
    }
}
