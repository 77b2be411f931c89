/// A point in the log to read up to: a sequence number or a UTC instant.
public enum AsOf: Sendable, Hashable, CustomStringConvertible {
    /// Up to and including this sequence.
    case sequence(UInt64)
    /// Up to and including the last event recorded at or before this instant.
    case instant(Timestamp)

    /// Parses `seq:N` or an RFC 3339 instant; `field` names the input in the error.
    public init(parsing text: String, field: String = "as_of") throws {
        if text.hasPrefix("seq:") {
            guard let seq = UInt64(text.dropFirst(4)) else {
                throw DialerCoreError.invalidField(
                    field: field, reason: "\"\(text)\" is not seq:N with N a whole number")
            }
            self = .sequence(seq)
        } else {
            do {
                self = .instant(try Timestamp(rfc3339: text, field: field))
            } catch {
                throw DialerCoreError.invalidField(
                    field: field, reason: "\"\(text)\" is neither seq:N nor an RFC 3339 instant")
            }
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
