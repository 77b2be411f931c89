/// What an object store holds for an object: its size, ETag, the SHA-256 stored with it and its content type.
public struct StoredObject: Sendable, Hashable {
    /// The size in bytes.
    public var size: Int64
    /// S3's ETag, without the surrounding quotes.
    public var eTag: String
    /// The body's SHA-256 in hex, from `x-amz-meta-sha256`; nil for objects stored by other tools.
    public var sha256: String?
    /// The stored content type.
    public var contentType: String?

    /// Object facts from their parts.
    public init(size: Int64, eTag: String, sha256: String?, contentType: String?) {
        self.size = size
        self.eTag = eTag
        self.sha256 = sha256
        self.contentType = contentType
    }

    /// `value` without one pair of surrounding double quotes.
    static func unquoted(_ value: String) -> String {
        value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
            ? String(value.dropFirst().dropLast()) : value
    }
}
