import DialerCore
import Foundation

/// Where and how to reach an S3 bucket: AWS or any S3-compatible endpoint, path-style or virtual-hosted.
public struct S3Configuration: Sendable {
    /// How the bucket appears in a URL.
    public enum AddressingStyle: String, Sendable, CaseIterable {
        /// `https://endpoint/bucket/key`: works everywhere, whatever the bucket name; most S3-compatible stores.
        case path
        /// `https://bucket.endpoint/key`: AWS's default; needs DNS for the bucket's host name.
        case virtualHosted = "virtual-hosted"
    }

    /// The bucket used when an operation names none.
    public var bucket: String
    /// The region that signs requests, such as `eu-west-1` (S3-compatible stores often want `us-east-1`).
    public var region: String
    /// The endpoint URL; nil means AWS, `https://s3.{region}.amazonaws.com`.
    public var endpoint: String?
    /// How the bucket appears in URLs.
    public var addressingStyle: AddressingStyle
    /// The key that signs.
    public var credentials: S3Credentials
    /// Time allowed for one request's answer.
    public var requestTimeout: Duration = .seconds(30)

    /// A configuration; without a style, AWS gets virtual-hosted addressing and a custom endpoint path-style.
    public init(
        bucket: String, region: String, endpoint: String? = nil, addressingStyle: AddressingStyle? = nil,
        credentials: S3Credentials
    ) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.addressingStyle = addressingStyle ?? (endpoint == nil ? .virtualHosted : .path)
        self.credentials = credentials
    }

    /// Throws naming `endpoint` or `bucket` when requests could not be addressed.
    public func validate() throws { _ = try location(bucket: bucket, key: nil) }

    /// The endpoint actually used.
    public var resolvedEndpoint: String { endpoint ?? "https://s3.\(region).amazonaws.com" }

    /// Where a request for `key` in `bucket` goes (the bucket itself when `key` is nil); throws naming
    /// `endpoint`, `bucket` or `key` when one cannot be used.
    func location(bucket: String, key: String?) throws -> S3Location {
        guard let url = URLComponents(string: resolvedEndpoint), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = url.host, !host.isEmpty
        else {
            throw DialerCoreError.invalidField(field: "endpoint", reason: "\(resolvedEndpoint) is not an http(s) URL")
        }
        guard url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil else {
            throw DialerCoreError.invalidField(
                field: "endpoint", reason: "\(resolvedEndpoint) must have no path, query or user info")
        }
        try Self.check(bucket: bucket, scheme: scheme, style: addressingStyle)
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        if let key, key.isEmpty || key.utf8.count > 1024 {
            throw DialerCoreError.invalidField(field: "key", reason: "must be 1 to 1024 bytes")
        }
        let port = url.port.flatMap { $0 == (scheme == "https" ? 443 : 80) ? nil : $0 }
        let hostHeader: String
        let path: String
        switch addressingStyle {
        case .path:
            hostHeader = host
            path = "/" + bucket + (key.map { "/" + $0 } ?? "")
        case .virtualHosted:
            hostHeader = bucket + "." + host
            path = "/" + (key ?? "")
        }
        return S3Location(scheme: scheme, host: hostHeader + (port.map { ":\($0)" } ?? ""), path: path)
    }

    /// S3's bucket naming rules, and no dots with virtual-hosted HTTPS (the certificate would not match).
    static func check(bucket: String, scheme: String, style: AddressingStyle) throws {
        func fail(_ reason: String) -> DialerCoreError {
            .invalidField(field: "bucket", reason: "\"\(bucket)\" \(reason)")
        }
        guard (3...63).contains(bucket.utf8.count) else { throw fail("must be 3 to 63 characters") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard bucket.allSatisfy(allowed.contains) else {
            throw fail("may hold only lower-case letters, digits, dots and hyphens")
        }
        guard let first = bucket.first, let last = bucket.last, first.isLetter || first.isNumber,
            last.isLetter || last.isNumber
        else { throw fail("must start and end with a letter or digit") }
        if style == .virtualHosted, scheme == "https", bucket.contains(".") {
            throw fail("has dots, which break TLS with virtual-hosted addressing; use path style")
        }
    }
}

/// Where one request goes: scheme, `Host` value (with a non-default port) and the path before encoding.
struct S3Location: Sendable, Equatable {
    var scheme: String
    var host: String
    var path: String

    /// The URL with `path` encoded and `query` (already encoded) appended.
    func url(query: String = "") -> String {
        "\(scheme)://\(host)\(SigV4.encode(path, keepingSlashes: true))" + (query.isEmpty ? "" : "?" + query)
    }
}
