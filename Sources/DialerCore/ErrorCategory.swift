/// What happened, in the few words every edge answers in: the server maps a category to an HTTP status
/// and the command line to an exit code, each in one place, so no module below them knows either.
public enum ErrorCategory: Sendable, Equatable {
    /// Input that cannot be used; `field` names where it came from.
    case invalid(field: String)
    /// Something asked for by name is not there.
    case notFound
    /// The request contradicts what is already recorded.
    case conflict
    /// The log or something rebuilt from it is damaged: a stored event that does not decode, bytes that
    /// do not match their recorded SHA-256.
    case corrupt
    /// A service the work needs (the log's storage, CXone, an object store, a mail server) could not do it.
    case unavailable
}

/// An error that says which category it falls in: each module's one error type conforms.
public protocol CategorizedError: Error, CustomStringConvertible, Sendable {
    /// What happened, for the edges to map.
    var category: ErrorCategory { get }
}
