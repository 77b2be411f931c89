import Crypto
import DialerCore
import Foundation

/// The key that signs local links: 32 random bytes in `DATA/keys/link-signing.key` (mode 0600), made on
/// first use. Its description is redacted.
public struct LinkSigningKey: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// A key from its bytes (tests).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The key for HMAC.
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public var description: String { "[redacted]" }

    /// The key in `file`, created (exclusively, so two processes agree on one key) when missing.
    public static func loadOrCreate(file: String) throws -> LinkSigningKey {
        if let existing = try read(file) { return existing }
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let hex = SigV4.hex(bytes) + "\n"
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST, let existing = try read(file) { return existing }
            throw fail(file, String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let written = hex.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, hex.utf8.count) }
        guard written == hex.utf8.count, fsync(descriptor) == 0 else { throw fail(file, "could not write it") }
        return LinkSigningKey(bytes: bytes)
    }

    private static func read(_ file: String) throws -> LinkSigningKey? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let digest = SHA256Digest(hex: text) else {
            throw fail(file, "does not hold 64 hex digits; remove it to make a new key (old links stop working)")
        }
        return LinkSigningKey(bytes: digest.bytes)
    }

    private static func fail(_ file: String, _ reason: String) -> DialerCoreError {
        .invalidField(field: "link signing key", reason: "\(file): \(reason)")
    }
}
