/// A secret string (client secret, token): its description is redacted, so it cannot leak through
/// string interpolation, logging or error messages by accident.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read it only where it goes on the wire.
    public let exposed: String

    /// Wraps `value`.
    public init(_ value: String) { exposed = value }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
}
