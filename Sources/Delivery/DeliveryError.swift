import DialerCore

/// What went wrong delivering (the module's one error type): the service and what it said, never a
/// credential or a signature.
public enum DeliveryError: CategorizedError, Equatable {
    /// An S3 request did not succeed.
    case s3(S3Failure)
    /// An SMTP conversation did not deliver.
    case smtp(SMTPFailure)
    /// The local object store could not store `key`.
    case localStore(key: String, reason: String)
    /// The local object store has no object at `key` (the file `path`).
    case noLocalObject(key: String, path: String)
    /// The mail folder could not save the message at `path`.
    case mailFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case .s3(let failure): "\(failure)"
        case .smtp(let failure): "\(failure)"
        case .localStore(let key, let reason): "local object store: \(key): \(reason)"
        case .noLocalObject(let key, let path): "local object store: \(key): no object at \(path)"
        case .mailFolder(let path, let reason): "mail folder: \(path): \(reason)"
        }
    }

    /// A missing object is not found; every other failure is a service that could not do the work.
    public var category: ErrorCategory {
        switch self {
        case .s3(let failure) where failure.status == 404: .notFound
        case .noLocalObject: .notFound
        case .s3, .smtp, .localStore, .mailFolder: .unavailable
        }
    }

    /// The S3 failure, when it is one.
    public var s3: S3Failure? {
        if case .s3(let failure) = self { failure } else { nil }
    }

    /// The SMTP failure, when it is one.
    public var smtp: SMTPFailure? {
        if case .smtp(let failure) = self { failure } else { nil }
    }
}
