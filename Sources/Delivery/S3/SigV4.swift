import Crypto
import DialerCore

/// AWS Signature Version 4 as S3 uses it: canonical request, string to sign, signing key, the
/// `Authorization` header and presigned URLs. Pure: the signing time is an argument, never read from a clock.
public struct SigV4: Sendable {
    /// The algorithm name, first in the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a presigned URL: its body is not known when it is signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The SHA-256 of an empty body.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The longest a presigned URL may live: 7 days, S3's limit.
    public static let maxExpiry: Duration = .seconds(604_800)

    /// The key that signs.
    public let credentials: S3Credentials
    /// The region in the credential scope, such as `us-east-1`.
    public let region: String
    /// The service in the credential scope: `s3`.
    public let service: String

    /// A signer for `credentials` in `region`.
    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request to sign. `path` is not encoded yet (`/test$file.text`): the signer encodes each segment once,
    /// as S3 expects, and `encodedPath` is what goes on the wire.
    public struct Request: Sendable {
        /// The HTTP method, upper case.
        public var method: String
        /// The `Host` header value: the host, and the port when it is not the scheme's default.
        public var host: String
        /// The path before encoding, starting with `/`.
        public var path: String
        /// Query parameters before encoding, in any order.
        public var query: [(name: String, value: String)]
        /// Headers to send and sign besides `host` and the `x-amz-*` ones the signer adds.
        public var headers: [(name: String, value: String)]

        /// A request from its parts.
        public init(
            method: String, host: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)] = []
        ) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
        }

        /// The path as sent and signed.
        public var encodedPath: String { path.isEmpty ? "/" : SigV4.encode(path, keepingSlashes: true) }
    }

    /// A header-signed request: what to send, and the texts the signature was computed from.
    public struct SignedRequest: Sendable {
        /// Every header to send: the request's, `Host`, `x-amz-date`, `x-amz-content-sha256`,
        /// `x-amz-security-token` with temporary credentials, and `Authorization`.
        public var headers: [(name: String, value: String)]
        /// The canonical request.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, 64 hex digits.
        public var signature: String
    }

    /// A presigned URL's query, the texts its signature was computed from, and when the link stops working.
    public struct PresignedQuery: Sendable {
        /// The encoded query, `X-Amz-Signature` last.
        public var query: String
        /// The canonical request.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, 64 hex digits.
        public var signature: String
        /// When the link stops working (see `linkExpiry`).
        public var expiresAt: Timestamp
    }

    /// Signs `request` in the `Authorization` header; `payloadSHA256` is the body's SHA-256 in hex.
    public func sign(_ request: Request, payloadSHA256: String, at time: Timestamp) -> SignedRequest {
        let date = Self.amzDate(time)
        var headers = request.headers.filter { $0.name.lowercased() != "host" }
        headers.insert(("Host", request.host), at: 0)
        headers.append(("x-amz-date", date))
        headers.append(("x-amz-content-sha256", payloadSHA256))
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let canonicalHeaders = Self.canonicalHeaders(headers)
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let canonical = [
            request.method, request.encodedPath, Self.canonicalQuery(request.query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(), signedHeaders, payloadSHA256,
        ].joined(separator: "\n")
        let (stringToSign, signature) = signed(canonical, date: date)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(date)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.append(("Authorization", authorization))
        return SignedRequest(
            headers: headers, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    /// Presigns `request` for `expires` from `time`: only `host` is signed (the request's headers are not) and the
    /// payload is `UNSIGNED-PAYLOAD`. Throws naming `expires` outside 1 s to 7 days, and naming `credentials`
    /// when they have expired at `time`.
    public func presign(_ request: Request, expires: Duration, at time: Timestamp) throws -> PresignedQuery {
        let seconds = try Self.checkedSeconds(expires)
        if let end = credentials.expiresAt, end <= time {
            throw DialerCoreError.invalidField(
                field: "credentials", reason: "expired at \(end), before the link was signed at \(time)")
        }
        let date = Self.amzDate(time)
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(date))"))
        query.append(("X-Amz-Date", date))
        query.append(("X-Amz-Expires", String(seconds)))
        query.append(("X-Amz-SignedHeaders", "host"))
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = Self.canonicalQuery(query)
        let canonical = [
            request.method, request.encodedPath, canonicalQuery, "host:\(request.host)\n", "host",
            Self.unsignedPayload,
        ].joined(separator: "\n")
        let (stringToSign, signature) = signed(canonical, date: date)
        return PresignedQuery(
            query: canonicalQuery + "&X-Amz-Signature=" + signature, canonicalRequest: canonical,
            stringToSign: stringToSign, signature: signature,
            expiresAt: Self.linkExpiry(asked: expires, signedAt: time, credentialsExpireAt: credentials.expiresAt))
    }

    /// When a presigned link stops working: the asked lifetime, at most 7 days, and never after the credentials
    /// that signed it expire. This is the expiry to record.
    public static func linkExpiry(asked expires: Duration, signedAt time: Timestamp, credentialsExpireAt: Timestamp?)
        -> Timestamp
    {
        let end = time.adding(min(max(expires, .zero), maxExpiry))
        return credentialsExpireAt.map { min(end, $0) } ?? end
    }

    /// `expires` in whole seconds, or an error naming `expires`.
    static func checkedSeconds(_ expires: Duration) throws -> Int64 {
        let (seconds, attoseconds) = expires.components
        guard attoseconds == 0, (1...maxExpiry.components.seconds).contains(seconds) else {
            throw DialerCoreError.invalidField(
                field: "expires", reason: "must be whole seconds from 1 to 604800 (7 days); got \(expires)")
        }
        return seconds
    }

    /// `date/region/service/aws4_request`.
    private func scope(_ amzDate: String) -> String { "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request" }

    /// The string to sign for `canonicalRequest`, and its signature.
    private func signed(_ canonicalRequest: String, date: String) -> (stringToSign: String, signature: String) {
        let stringToSign = [
            Self.algorithm, date, scope(date), Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        return (stringToSign, Self.hex(Self.hmac(signingKey(day: String(date.prefix(8))), stringToSign)))
    }

    /// The signing key: HMAC chain of the day, region, service and `aws4_request` from `AWS4` + the secret.
    func signingKey(day: String) -> [UInt8] {
        var key = Self.hmac(Array("AWS4\(credentials.secretAccessKey)".utf8), day)
        for part in [region, service, "aws4_request"] { key = Self.hmac(key, part) }
        return key
    }

    private static func hmac(_ key: [UInt8], _ text: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key)))
    }
}
