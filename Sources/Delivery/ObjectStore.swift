import DialerCore

/// Where reports are published: a bucket of objects that can be written, checked, and shared through
/// expiring links. S3 (`S3Client`) and the embedded local store (`LocalObjectStore`) are the two kinds.
public protocol ObjectStore: Sendable {
    /// `s3` or `local`, as recorded in the log.
    var kind: String { get }
    /// The bucket objects go to (for the local store, its folder's name).
    var bucket: String { get }
    /// Stores `body` at `key`; returns what was stored, with its ETag and SHA-256.
    func put(key: String, body: [UInt8], contentType: String) async throws -> StoredObject
    /// What is stored at `key` (throws when nothing is).
    func head(key: String) async throws -> StoredObject
    /// What is stored at `key`, or nil when nothing is (a HEAD answered 404); other failures throw.
    func existing(key: String) async throws -> StoredObject?
    /// A GET link to `key` valid `expires` from `time` (1 s to 7 days, else an error naming `expires`). Signing
    /// reads no clock and sends nothing, so the same key, time and lifetime give the same link.
    func link(key: String, expires: Duration, at time: Timestamp) throws -> PresignedURL
}

extension S3Client: ObjectStore {
    public var kind: String { "s3" }
    public var bucket: String { configuration.bucket }

    public func put(key: String, body: [UInt8], contentType: String) async throws -> StoredObject {
        try await putObject(key: key, body: body, contentType: contentType)
    }

    public func head(key: String) async throws -> StoredObject { try await headObject(key: key) }

    public func existing(key: String) async throws -> StoredObject? {
        do {
            return try await headObject(key: key)
        } catch let error as DeliveryError where error.s3?.status == 404 {
            return nil
        }
    }

    public func link(key: String, expires: Duration, at time: Timestamp) throws -> PresignedURL {
        try presignedGET(key: key, expires: expires, at: time)
    }
}
