import DialerCore
import Foundation

/// A Standard Webhooks signing secret, `whsec_` followed by base64 of 24 to 64 random bytes. Its description
/// is redacted, so it cannot reach a log or an error by accident.
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let key: [UInt8]

    /// Reads `whsec_<base64>`; throws naming `webhook_secret` (never echoing the value) when it is not that.
    public init(_ text: String) throws {
        func fail(_ reason: String) -> DialerCoreError { .invalidField(field: "webhook_secret", reason: reason) }
        guard text.hasPrefix("whsec_") else { throw fail("must start with whsec_ (the Standard Webhooks form)") }
        guard let key = Data(base64Encoded: String(text.dropFirst(6))) else {
            throw fail("is not whsec_ followed by base64")
        }
        guard (24...64).contains(key.count) else { throw fail("must hold 24 to 64 bytes, not \(key.count)") }
        self.key = Array(key)
    }

    /// A fresh random secret (for setting up a receiver).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    public var description: String { "whsec_[redacted]" }
    public var debugDescription: String { description }
}
