/// Errors raised by the pure core: bad input, named by field and reason.
public enum DialerCoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value is unusable; `field` names where it came from.
    case invalidField(field: String, reason: String)
    /// JSON text could not be parsed; `offset` is the byte where parsing stopped.
    case invalidJSON(offset: Int, reason: String)
    /// A snapshot was used after the closure that received it returned.
    case snapshotClosed

    public var description: String {
        switch self {
        case .invalidField(let field, let reason): return "\(field): \(reason)"
        case .invalidJSON(let offset, let reason): return "invalid JSON at byte \(offset): \(reason)"
        case .snapshotClosed: return "a log snapshot was used after its closure returned"
        }
    }
}
