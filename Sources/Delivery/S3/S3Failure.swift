import DialerCore
import Foundation

/// An S3 request that did not succeed (`DeliveryError.s3`): the operation, the bucket and key, the HTTP status and S3's error code
/// and message from the XML body. Never holds the secret, the session token or a signature.
public struct S3Failure: Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// S3 answered with a status that is not a success.
        case status(Int)
        /// No HTTP answer: connection refused, reset, timed out.
        case transport(String)
        /// A success answer without something the operation needs (such as an `ETag`).
        case malformedResponse(String)
    }

    /// The S3 operation, such as `PutObject`.
    public var operation: String
    /// The bucket.
    public var bucket: String
    /// The object key, when the operation has one.
    public var key: String?
    /// What went wrong.
    public var kind: Kind
    /// S3's error code from the body (`SignatureDoesNotMatch`, `NoSuchBucket`), when there was one.
    public var code: String?
    /// S3's error message from the body, shortened.
    public var message: String?

    /// The HTTP status, when there was an answer.
    public var status: Int? {
        if case .status(let status) = kind { return status }
        return nil
    }

    public var description: String {
        let target = "s3://\(bucket)" + (key.map { "/\($0)" } ?? "")
        switch kind {
        case .status(let status):
            let code = code.map { " \($0)" } ?? ""
            let message = message.map { ": \($0)" } ?? ""
            return "S3 \(operation) \(target) answered HTTP \(status)\(code)\(message)"
        case .transport(let reason): return "S3 \(operation) \(target) could not be reached (\(reason))"
        case .malformedResponse(let reason): return "S3 \(operation) \(target) sent an unusable answer: \(reason)"
        }
    }

    /// The failure of an answer, its code and message read from S3's XML error body, `secrets` removed.
    init(operation: String, bucket: String, key: String?, status: Int, body: [UInt8], secrets: [String]) {
        let text = String(decoding: body.prefix(64 << 10), as: UTF8.self)
        self.init(
            operation: operation, bucket: bucket, key: key, kind: .status(status),
            code: Self.element("Code", in: text).map { Self.redact($0, secrets) },
            message: Self.element("Message", in: text).map { Self.redact($0, secrets) })
    }

    /// A failure with every part given.
    init(operation: String, bucket: String, key: String?, kind: Kind, code: String? = nil, message: String? = nil) {
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// The text of the first `<name>…</name>` in `xml`, entities decoded.
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
            let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `text` without the secrets or anything shaped like a signature, cut to 300 characters.
    static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 { out = out.replacingOccurrences(of: secret, with: "[redacted]") }
        out = out.replacingOccurrences(of: "[0-9a-f]{64}", with: "[redacted]", options: .regularExpression)
        return out.count > 300 ? String(out.prefix(300)) + "…" : out
    }
}
