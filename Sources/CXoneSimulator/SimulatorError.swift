import DialerCore

/// Why the simulator could not start.
public enum SimulatorError: CategorizedError, Equatable {
    /// A configuration setting is unusable; `field` names it.
    case invalidConfiguration(field: String, reason: String)
    /// The server could not listen on `address`.
    case cannotStart(address: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let field, let reason): return "simulator \(field): \(reason)"
        case .cannotStart(let address, let reason): return "cannot listen on \(address): \(reason)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .invalidConfiguration(let field, _): .invalid(field: field)
        case .cannotStart: .unavailable
        }
    }
}
