import Crypto
import DialerCore
import Foundation

/// The embedded object store: each object a file under `root`, links signed with a local HMAC key and an
/// expiry, served by `dialer-ledger serve` (which refuses expired or altered links).
public struct LocalObjectStore: ObjectStore {
    public let kind = "local"
    public let bucket = "local"
    /// The folder objects are stored under (`DATA/objects`).
    public let root: String
    /// Where `serve` answers, such as `http://127.0.0.1:8080`; links start with it.
    public let baseURL: String
    /// The path prefix of links.
    public static let linkPrefix = "/objects/"
    let signingKey: LinkSigningKey

    /// A store under `root` whose links start with `baseURL` and are signed with `signingKey`.
    public init(root: String, baseURL: String, signingKey: LinkSigningKey) {
        self.root = root
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signingKey = signingKey
    }

    public func put(key: String, body: [UInt8], contentType: String) async throws -> StoredObject {
        let path = try file(for: key)
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(body).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DeliveryError.localStore(key: key, reason: "could not write \(path): \(error.localizedDescription)")
        }
        return Self.describe(body, contentType: contentType)
    }

    public func head(key: String) async throws -> StoredObject {
        let body = try read(key: key)
        return Self.describe(body, contentType: Self.contentType(of: key))
    }

    public func existing(key: String) async throws -> StoredObject? {
        guard FileManager.default.fileExists(atPath: try file(for: key)) else { return nil }
        return try await head(key: key)
    }

    /// The stored bytes of `key`.
    public func read(key: String) throws -> [UInt8] {
        let path = try file(for: key)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryError.noLocalObject(key: key, path: path)
        }
        return Array(data)
    }

    public func link(key: String, expires: Duration, at time: Timestamp) throws -> PresignedURL {
        _ = try file(for: key)
        let seconds = try SigV4.checkedSeconds(expires)
        let expiresAt = Timestamp(milliseconds: (time.milliseconds / 1000 + seconds) * 1000)
        let unix = expiresAt.milliseconds / 1000
        let url =
            baseURL + Self.linkPrefix + SigV4.encode(key, keepingSlashes: true) + "?expires=\(unix)&signature="
            + signature(key: key, expires: unix)
        return PresignedURL(url: url, signedAt: time, expiresAt: expiresAt)
    }

    /// Whether a link's parts (the key, decoded from the path after `/objects/`, and the `expires` and
    /// `signature` query values) grant access at `now`.
    public func check(key: String, expires: String?, signature: String?, now: Timestamp) -> LinkCheck {
        guard let expires, let unix = Int64(expires), let signature, let mac = SHA256Digest(hex: signature)?.bytes
        else {
            return .refused("the link has no valid expires and signature")
        }
        let message = Array("GET\n\(key)\n\(unix)".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: signingKey.key) else {
            return .refused("the link's signature does not match; it was altered or signed with another key")
        }
        guard now.milliseconds < unix * 1000 else {
            return .expired(Timestamp(milliseconds: unix * 1000))
        }
        return (try? file(for: key)) == nil ? .refused("not an object key") : .granted
    }

    private func signature(key: String, expires: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("GET\n\(key)\n\(expires)".utf8), using: signingKey.key)
        return SigV4.hex(mac)
    }

    /// The file of `key`; throws naming `key` when it would leave `root` or is not a plain relative path.
    func file(for key: String) throws -> String {
        guard ObjectKeyTemplate.isPlainKey(key) else {
            throw DialerCoreError.invalidField(
                field: "key", reason: "\"\(key)\" must be a relative path of non-empty segments, without . or ..")
        }
        return root + "/" + key
    }

    /// What the store says of `body`: its size, MD5 ETag (as S3 gives for a single-part upload) and SHA-256.
    public static func describe(_ body: [UInt8], contentType: String) -> StoredObject {
        let md5 = SigV4.hex(Insecure.MD5.hash(data: body))
        return StoredObject(
            size: Int64(body.count), eTag: md5, sha256: SHA256Digest.of(body).hex, contentType: contentType)
    }

    /// The content type served for `key`, from its extension.
    public static func contentType(of key: String) -> String {
        switch (key as NSString).pathExtension.lowercased() {
        case "json": "application/json"
        case "csv": ReportCSV.mediaType
        case "txt": "text/plain; charset=utf-8"
        case "html": ReportPage.mediaType
        default: "application/octet-stream"
        }
    }
}

/// What a local link grants.
public enum LinkCheck: Sendable, Equatable {
    /// The link is sound and has not expired.
    case granted
    /// The link was sound but expired at this instant.
    case expired(Timestamp)
    /// The link is malformed, altered or signed with another key.
    case refused(String)
}
