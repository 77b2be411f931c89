import DialerCore
import Foundation

/// Bearer API keys: `name:role:secret` entries (`DIALER_LEDGER_API_KEYS`, comma-separated), roles `read`
/// (reports, audit, completion, events) and `run` (also runs and replays). Only each secret's SHA-256 is
/// kept, and a presented token is compared with every key in constant time.
public struct APIKeys: Sendable {
    /// What a key may do.
    public enum Role: String, Sendable, Comparable, CaseIterable {
        case read, run
        public static func < (lhs: Role, rhs: Role) -> Bool { lhs == .read && rhs == .run }
    }

    struct Key: Sendable {
        var name: String
        var role: Role
        var hash: [UInt8]
    }

    let keys: [Key]

    /// Reads `name:role:secret,…`; throws naming the entry (never its secret) when one is malformed.
    public init(parsing text: String, field: String = "DIALER_LEDGER_API_KEYS") throws {
        keys = try text.split(separator: ",").enumerated().map { index, entry in
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, let role = Role(rawValue: parts[1]) else {
                throw DialerCoreError.invalidField(
                    field: "\(field)[\(index)]", reason: "must be name:role:secret with role read or run")
            }
            guard parts[2].utf8.count >= 16 else {
                throw DialerCoreError.invalidField(
                    field: "\(field)[\(index)]", reason: "the secret of \(parts[0]) must be at least 16 characters")
            }
            return Key(name: parts[0], role: role, hash: SHA256Digest.of(Array(parts[2].utf8)).bytes)
        }
    }

    /// No keys: every API request is refused.
    public static let none = APIKeys(keys: [])

    private init(keys: [Key]) { self.keys = keys }

    /// Whether any key is configured.
    public var isEmpty: Bool { keys.isEmpty }

    /// The key an `Authorization: Bearer …` header presents, or nil. Every key is compared, in constant time.
    func key(authorization: String?) -> Key? {
        guard let authorization, authorization.count > 7, authorization.lowercased().hasPrefix("bearer ") else {
            return nil
        }
        let presented = SHA256Digest.of(Array(authorization.dropFirst(7).utf8)).bytes
        var match: Key?
        for key in keys {
            var difference: UInt8 = 0
            for (a, b) in zip(key.hash, presented) { difference |= a ^ b }
            if difference == 0 { match = key }
        }
        return match
    }
}
