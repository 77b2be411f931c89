import DialerCore

/// Where and how to reach an SMTP server.
public struct SMTPConfiguration: Sendable {
    /// Whether the conversation must be encrypted.
    public enum Security: String, Sendable, CaseIterable {
        /// STARTTLS is required; a server that does not offer it is an error (the default).
        case requireStartTLS = "starttls"
        /// STARTTLS when the server offers it, plain text otherwise (never with credentials).
        case startTLSIfOffered = "starttls-if-offered"
        /// Plain text only (a local relay).
        case none
    }

    public var host: String
    public var port: Int = 587
    public var security: Security = .requireStartTLS
    /// User name and password for AUTH PLAIN; sent only over TLS.
    public var credentials: (user: String, password: Secret)?
    /// PEM file of the certificates to trust instead of the system's (a private relay's own CA).
    public var trustRootsFile: String?
    /// The name this client gives in EHLO.
    public var clientName = "dialer-ledger.localhost"
    /// Time allowed for the whole conversation, connecting included.
    public var timeout: Duration = .seconds(60)

    /// A server at `host`, port 587, STARTTLS required.
    public init(host: String, port: Int = 587) {
        self.host = host
        self.port = port
    }
}

/// An SMTP conversation that did not deliver (`DeliveryError.smtp`): the step, and what the server said (no credentials).
public struct SMTPFailure: Sendable, Equatable, CustomStringConvertible {
    /// The command or stage, such as `RCPT TO` or `STARTTLS`.
    public var step: String
    /// The server's reply code, when it gave one.
    public var code: Int?
    /// What went wrong, or the server's reply text.
    public var reason: String
    /// Whether the whole message had been written when it failed: then the server may have taken it
    /// despite the error, and sending it again could deliver it twice.
    public var messageWritten = false
    /// Whether the server refused for good (a 5xx reply) rather than for now.
    public var isPermanent: Bool { (code ?? 0) >= 500 || step == "RCPT TO" && code == nil }
    /// Whether it failed before the message's own envelope (connecting, the greeting, EHLO, STARTTLS, AUTH):
    /// a fault of the mail setup, such as a wrong password (535), not of this message, so fixing the setup
    /// and sending again is right however often it failed.
    public var isSetupFailure: Bool { Self.setupSteps.contains(step) }

    private static let setupSteps: Set<String> = ["connection", "greeting", "EHLO", "STARTTLS", "AUTH"]

    /// A failure at `step`.
    public init(step: String, code: Int?, reason: String) {
        self.step = step
        self.code = code
        self.reason = reason
    }

    public var description: String {
        "SMTP \(step) failed" + (code.map { " with \($0)" } ?? "") + ": \(reason)"
    }
}
