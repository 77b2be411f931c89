import DialerCore

/// A presigned GET link, when it was signed and when it stops working (the expiry to record).
public struct PresignedURL: Sendable, Hashable {
    /// The link.
    public var url: String
    /// The signing time.
    public var signedAt: Timestamp
    /// The asked lifetime, at most 7 days, never past the credentials' expiry (`SigV4.linkExpiry`).
    public var expiresAt: Timestamp
}

/// Headers S3 should answer a presigned GET with instead of the object's stored ones (the `response-*` query
/// parameters, signed with the link).
public struct S3ResponseOverrides: Sendable, Hashable {
    /// `Content-Disposition`, such as `attachment; filename="dialer_2026-11-30.json"`.
    public var contentDisposition: String?
    /// `Content-Type`.
    public var contentType: String?
    /// `Cache-Control`.
    public var cacheControl: String?

    /// Overrides; nil leaves a header as stored.
    public init(contentDisposition: String? = nil, contentType: String? = nil, cacheControl: String? = nil) {
        self.contentDisposition = contentDisposition
        self.contentType = contentType
        self.cacheControl = cacheControl
    }

    /// The query parameters, before encoding.
    var query: [(name: String, value: String)] {
        [
            ("response-cache-control", cacheControl), ("response-content-disposition", contentDisposition),
            ("response-content-type", contentType),
        ].compactMap { name, value in value.map { (name, $0) } }
    }
}
