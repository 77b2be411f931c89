import DialerCore
import Foundation

/// Bearer API keys, roles `read` (reports, audit, completion, events) and `run` (also runs and replays): from
/// the config file's `server.api_keys` and `DIALER_LEDGER_API_KEYS` (comma-separated `name:role:secret`).
/// Only each secret's SHA-256 is kept, and a presented token is compared with every key in constant time.
public struct APIKeys: Sendable {
    /// What a key may do.
    public enum Role: String, Sendable, Comparable, CaseIterable {
        case read, run
        public static func < (lhs: Role, rhs: Role) -> Bool { lhs == .read && rhs == .run }
    }

    /// One key: its name (said in logs and errors; never its secret), its role and its secret's SHA-256.
    public struct Key: Sendable {
        public var name: String
        public var role: Role
        var hash: SHA256Digest

        /// A key whose secret hashes to `hash`.
        public init(name: String, role: Role, hash: SHA256Digest) {
            (self.name, self.role, self.hash) = (name, role, hash)
        }

        /// A key with `secret`, kept as its SHA-256.
        public init(name: String, role: Role, secret: String) {
            self.init(name: name, role: role, hash: SHA256Digest.of(Array(secret.utf8)))
        }
    }

    /// The keys, each name once.
    public private(set) var keys: [Key]

    /// Reads `name:role:secret,…`; throws naming the entry (never its secret) when one is malformed.
    public init(parsing text: String, field: String = "DIALER_LEDGER_API_KEYS") throws {
        keys = try text.split(separator: ",").enumerated().map { index, entry in
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, let role = Role(rawValue: parts[1]) else {
                throw DialerCoreError.invalidField(
                    field: "\(field)[\(index)]", reason: "must be name:role:secret with role read or run")
            }
            try Self.check(secret: parts[2], of: parts[0], field: "\(field)[\(index)]")
            return Key(name: parts[0], role: role, secret: parts[2])
        }
    }

    /// These keys.
    public init(_ keys: [Key]) { self.keys = keys }

    /// No keys: every API request is refused.
    public static let none = APIKeys([])

    /// Throws naming `field` (and the key, never the secret) when `secret` is too short to be a key.
    static func check(secret: String, of name: String, field: String) throws {
        guard secret.utf8.count >= 16 else {
            throw DialerCoreError.invalidField(
                field: field, reason: "the secret of \(name) must be at least 16 characters")
        }
    }

    /// These keys with `others` over them: a key of the same name is replaced, the rest are added.
    public func adding(_ others: APIKeys) -> APIKeys {
        APIKeys(keys.filter { key in !others.keys.contains { $0.name == key.name } } + others.keys)
    }

    /// Whether any key is configured.
    public var isEmpty: Bool { keys.isEmpty }

    /// The key an `Authorization: Bearer …` header presents, or nil. Every key is compared, in constant time.
    public func key(authorization: String?) -> Key? {
        guard let authorization, authorization.count > 7, authorization.lowercased().hasPrefix("bearer ") else {
            return nil
        }
        let presented = SHA256Digest.of(Array(authorization.dropFirst(7).utf8)).bytes
        var match: Key?
        for key in keys {
            var difference: UInt8 = 0
            for (a, b) in zip(key.hash.bytes, presented) { difference |= a ^ b }
            if difference == 0 { match = key }
        }
        return match
    }
}
