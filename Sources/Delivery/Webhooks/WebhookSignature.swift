import Crypto
import DialerCore
import Foundation

/// The Standard Webhooks signature: HMAC-SHA256 over `id.timestamp.body` with the secret's key, sent as
/// `v1,<base64>` in `webhook-signature`, with `webhook-id` and `webhook-timestamp` (Unix seconds).
public enum WebhookSignature {
    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
    public static func sign(id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret) -> String {
        let content = Array("\(id).\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a delivery.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret)
        -> [(name: String, value: String)]
    {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", sign(id: id, timestamp: timestamp, body: body, secret: secret)),
        ]
    }
}
