import AsyncHTTPClient
import DialerCore
import Foundation

/// S3 over AsyncHTTPClient: create a bucket, put and head objects (header-signed with the payload's SHA-256),
/// and presign GET links. Works with AWS and S3-compatible endpoints, path-style or virtual-hosted.
public struct S3Client: Sendable {
    /// Where and how to reach the bucket.
    public let configuration: S3Configuration
    /// The HTTP client; the untraced one unless a test or the application injects its own.
    let http: HTTPClient
    /// The signing time of header-signed requests.
    let clock: @Sendable () -> Timestamp

    /// A client for `configuration`; `clock` gives the signing time of requests (the system clock by default).
    public init(
        configuration: S3Configuration, http: HTTPClient = .untraced,
        clock: @escaping @Sendable () -> Timestamp = S3Client.systemClock
    ) {
        self.configuration = configuration
        self.http = http
        self.clock = clock
    }

    /// The system clock, to the millisecond.
    public static let systemClock: @Sendable () -> Timestamp = {
        Timestamp(Date())
    }

    /// The signer for the configured credentials and region.
    var signer: SigV4 { SigV4(credentials: configuration.credentials, region: configuration.region) }

    /// Creates `bucket` (the configured one by default) in the configured region.
    public func createBucket(_ bucket: String? = nil) async throws {
        let region = configuration.region
        // us-east-1 is the default location and S3 refuses it when named.
        let body =
            region == "us-east-1"
            ? ""
            : "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>"
        _ = try await call(
            "CreateBucket", "PUT", bucket: bucket ?? configuration.bucket, key: nil, body: Array(body.utf8))
    }

    /// Stores `body` at `key`, signed with its SHA-256 (S3 refuses a body that does not match) and keeping that
    /// SHA-256 in `x-amz-meta-sha256` so `headObject` can confirm it. Returns what was stored, with S3's ETag.
    public func putObject(bucket: String? = nil, key: String, body: [UInt8], contentType: String) async throws
        -> StoredObject
    {
        let bucket = bucket ?? configuration.bucket
        let sha256 = SHA256Digest.of(body).hex
        let response = try await call(
            "PutObject", "PUT", bucket: bucket, key: key,
            headers: [("Content-Type", contentType), ("x-amz-meta-sha256", sha256)], body: body, payloadSHA256: sha256)
        guard let eTag = response.header("ETag") else {
            throw DeliveryError.s3(
                S3Failure(operation: "PutObject", bucket: bucket, key: key, kind: .malformedResponse("no ETag header")))
        }
        return StoredObject(
            size: Int64(body.count), eTag: StoredObject.unquoted(eTag), sha256: sha256, contentType: contentType)
    }

    /// What S3 holds at `key`: size, ETag, the SHA-256 stored by `putObject` and the content type.
    public func headObject(bucket: String? = nil, key: String) async throws -> StoredObject {
        let bucket = bucket ?? configuration.bucket
        let response = try await call("HeadObject", "HEAD", bucket: bucket, key: key)
        guard let size = response.header("Content-Length").flatMap({ Int64($0) }), let eTag = response.header("ETag")
        else {
            throw DeliveryError.s3(
                S3Failure(
                    operation: "HeadObject", bucket: bucket, key: key,
                    kind: .malformedResponse("no Content-Length or ETag header")))
        }
        return StoredObject(
            size: size, eTag: StoredObject.unquoted(eTag), sha256: response.header("x-amz-meta-sha256"),
            contentType: response.header("Content-Type"))
    }

    /// A GET link to `key` valid `expires` from `time` (1 s to 7 days, else an error naming `expires`), with
    /// optional response-header overrides. No request is sent; the link's `expiresAt` is what to record.
    public func presignedGET(
        bucket: String? = nil, key: String, expires: Duration, at time: Timestamp,
        responseHeaders: S3ResponseOverrides = S3ResponseOverrides()
    ) throws -> PresignedURL {
        let location = try configuration.location(bucket: bucket ?? configuration.bucket, key: key)
        let request = SigV4.Request(
            method: "GET", host: location.host, path: location.path, query: responseHeaders.query)
        let presigned = try signer.presign(request, expires: expires, at: time)
        return PresignedURL(url: location.url(query: presigned.query), signedAt: time, expiresAt: presigned.expiresAt)
    }
}
