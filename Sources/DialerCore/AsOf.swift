import Foundation

/// A point in the log to read up to: a sequence number or a UTC instant.
public enum AsOf: Sendable, Hashable, CustomStringConvertible {
    /// Up to and including this sequence.
    case sequence(UInt64)
    /// Up to and including the last event recorded at or before this instant.
    case instant(Timestamp)

    /// Parses `seq:N` or an instant in the typed grammar (RFC 3339, or `YYYY-MM-DD` meaning midnight in
    /// `zone`); `field` names the input in the error.
    public init(parsing text: String, field: String = "as_of", in zone: TimeZone = .gmt) throws {
        if text.hasPrefix("seq:") {
            guard let seq = UInt64(text.dropFirst(4)) else {
                throw DialerCoreError.invalidField(
                    field: field, reason: "\"\(text)\" is not seq:N with N a whole number")
            }
            self = .sequence(seq)
        } else if text.first?.isNumber == true {
            self = .instant(try Timestamp(parsing: text, in: zone, field: field))
        } else {
            throw DialerCoreError.invalidField(
                field: field, reason: "\"\(text)\" is neither seq:N nor an instant (RFC 3339 or YYYY-MM-DD)")
        }
    }

    /// The sequence this point stands for in `snapshot`.
    public func resolve(in snapshot: any EventSnapshot) throws -> UInt64 {
        switch self {
        case .sequence(let seq): return min(seq, try snapshot.lastSequence())
        case .instant(let instant): return try snapshot.lastSequence(recordedAtOrBefore: instant)
        }
    }

    public var description: String {
        switch self {
        case .sequence(let seq): return "seq:\(seq)"
        case .instant(let instant): return instant.rfc3339
        }
    }
}
