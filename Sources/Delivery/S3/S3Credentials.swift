import DialerCore

/// An AWS access key: its id, its secret, and the session token and expiry of temporary (STS) credentials.
/// The description, debug description and mirror show the id only, so the secret cannot leak through
/// interpolation, `dump`, logs or error messages by accident.
public struct S3Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id (`AKIA…`, `ASIA…`); not a secret.
    public var accessKeyID: String
    /// The secret access key; read it only where a signing key is derived.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    public var sessionToken: String?
    /// When temporary credentials stop working; links signed with them die then too.
    public var expiresAt: Timestamp?

    /// Credentials from their parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiresAt: Timestamp? = nil)
    {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiresAt = expiresAt
    }

    public var description: String {
        let token = sessionToken == nil ? "" : ", sessionToken: [redacted]"
        let expiry = expiresAt.map { ", expiresAt: \($0)" } ?? ""
        return "S3Credentials(accessKeyID: \(accessKeyID), secretAccessKey: [redacted]\(token)\(expiry))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "secretAccessKey": "[redacted]"], displayStyle: .struct)
    }

    /// The values that must never appear in a message: the secret and the session token.
    var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }
}
