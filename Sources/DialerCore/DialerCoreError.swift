/// Errors raised by the pure core, each saying what happened: bad input named by field and reason,
/// something not found, or a log that does not read back.
public enum DialerCoreError: CategorizedError, Equatable {
    /// A value is unusable; `field` names where it came from.
    case invalidField(field: String, reason: String)
    /// JSON text could not be parsed; `offset` is the byte where parsing stopped.
    case invalidJSON(offset: Int, reason: String)
    /// A contact list has problems, every one named by line and field.
    case invalidContacts(ContactListProblems)
    /// `what` (a report, a job) is not in the log; `reason` says so in an operator's words.
    case notFound(what: String, reason: String)
    /// The log holds something that does not read back: a stored payload that does not decode (at `seq`),
    /// or bytes rebuilt from the log that do not match their recorded SHA-256.
    case corrupt(seq: UInt64?, reason: String)
    /// A snapshot was used after the closure that received it returned.
    case snapshotClosed

    public var description: String {
        switch self {
        case .invalidField(let field, let reason): return "\(field): \(reason)"
        case .invalidJSON(let offset, let reason): return "invalid JSON at byte \(offset): \(reason)"
        case .invalidContacts(let problems): return problems.description
        case .notFound(_, let reason): return reason
        case .corrupt(let seq?, let reason): return "log corrupt at seq \(seq): \(reason)"
        case .corrupt(nil, let reason): return "log corrupt: \(reason)"
        case .snapshotClosed: return "a log snapshot was used after its closure returned"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .invalidField(let field, _): .invalid(field: field)
        case .invalidJSON: .invalid(field: "json")
        case .invalidContacts(let problems): .invalid(field: problems.file)
        case .notFound: .notFound
        case .corrupt: .corrupt
        case .snapshotClosed: .unavailable
        }
    }
}

extension DialerCoreError {
    /// Runs `body`, which reads stored event `seq` of type `type`. What it finds unreadable there is a damaged
    /// log, not bad input: an invalid field or JSON comes out as `.corrupt` naming the sequence and type.
    public static func readingStored<R>(seq: UInt64, type: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch DialerCoreError.invalidField(let field, let reason) {
            throw DialerCoreError.corrupt(seq: seq, reason: "\(type) \(field): \(reason)")
        } catch DialerCoreError.invalidJSON(let offset, let reason) {
            throw DialerCoreError.corrupt(seq: seq, reason: "\(type) payload is not JSON (byte \(offset): \(reason))")
        }
    }
}
