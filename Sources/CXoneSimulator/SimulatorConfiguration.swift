import DialerCore
import Foundation
import Logging

/// Everything the simulator is told at start.
public struct SimulatorConfiguration: Sendable {
    /// The address to listen on.
    public var host: String = "127.0.0.1"
    /// The port to listen on; 0 picks a free one (read it back from `CXoneSimulator.port`).
    public var port: Int = 0
    /// Fixes every simulated number: report rows, campaign sizes, schedule ids, random faults.
    public var seed: UInt64 = 1
    /// The one client id the token endpoint accepts.
    public var clientID: String = "dialer-ledger"
    /// The one client secret the token endpoint accepts; never logged or recorded.
    public var clientSecret: String = "simulator-secret"
    /// How long an issued token is valid, by the wall clock.
    public var tokenLifetimeSeconds: Int = 3600
    /// False: token responses omit `expires_in` (the token still expires).
    public var includeExpiresIn: Bool = true
    /// The campaigns the tenant has; nil: every id is a campaign. Others are answered 404.
    public var campaigns: Set<String>? = nil
    /// Random faults as shares of API requests.
    public var faults: SimulatorFaults = .none
    /// Where the simulator and its HTTP server log; nil logs nothing. Secrets and tokens are never logged.
    public var logger: Logger? = nil
    /// Which CXone it speaks: the seeds' contract, or the real tenant's login, discovery and Reporting API.
    public var profile: SimulatorProfile = .seed
    /// The access key id the real profile's password grant takes as `username`.
    public var accessKeyID: String = "simulator-access-key"
    /// The access key secret it takes as `password`; never logged or recorded.
    public var accessKeySecret: String = "simulator-access-secret"
    /// The tenant id the real profile's tokens carry.
    public var tenantID: String = "11eb0c3a-0000-0000-0000-00000000d1a1"
    /// The key the real profile's dialer-contacts rows are under (`wfM_OB_StatsV9` or `outboundStats`).
    public var rowsKey: String = "wfM_OB_StatsV9"
    /// The simulated tenant's clock (token expiry, "startTime is in the past"); the system clock unless a test
    /// fixes it.
    public var now: @Sendable () -> Timestamp = { Timestamp(Date()) }

    /// The defaults: loopback, an ephemeral port, seed 1, no faults.
    public init() {}

    /// The client secret the simulator uses when none is given.
    public static let defaultClientSecret = SimulatorConfiguration().clientSecret

    /// Throws `SimulatorError.invalidConfiguration` naming the first unusable setting.
    func validate() throws(SimulatorError) {
        func reject(_ field: String, _ reason: String) -> SimulatorError {
            .invalidConfiguration(field: field, reason: reason)
        }
        guard !host.isEmpty else { throw reject("host", "must not be empty") }
        guard (0...65_535).contains(port) else { throw reject("port", "\(port) is not in 0...65535") }
        guard !clientID.isEmpty else { throw reject("clientID", "must not be empty") }
        guard !clientSecret.isEmpty else { throw reject("clientSecret", "must not be empty") }
        guard tokenLifetimeSeconds >= 1 else {
            throw reject("tokenLifetimeSeconds", "must be 1 or more, got \(tokenLifetimeSeconds)")
        }
        guard !accessKeyID.isEmpty, !accessKeySecret.isEmpty else {
            throw reject("accessKeyID", "the access key id and secret must not be empty")
        }
        guard !rowsKey.isEmpty else { throw reject("rowsKey", "must not be empty") }
        try faults.validate()
    }
}

/// The contract a simulator speaks.
public enum SimulatorProfile: String, Sendable, CaseIterable {
    /// The seeds' endpoints: client-credentials token, hourly campaign report, schedules, analytics.
    case seed
    /// A real tenant's: OIDC discovery, the password grant, API discovery, campaign skills and the Reporting
    /// API's dialer-contacts (429s without `Retry-After`).
    case cxone
}
