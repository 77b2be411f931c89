import CXone
import DialerCore
import Logging
import ServiceLifecycle

/// What `buildApplication` is handed rather than builds, because Pipelines may not name it (the concrete
/// log, the CXone tenant, the HTTP server), with the one clock and the one logger every part gets.
public struct ApplicationParts: Sendable {
    /// Opens the event log, stamping recorded times with the clock given; read-only when `writable` is false
    /// (a command that only reads never creates a log). A log that is also a `Service` (PostgreSQL's, whose
    /// connection pool runs) becomes the application's first service, so it must be run to be used.
    public typealias StoreOpener =
        @Sendable (_ writable: Bool, _ now: @escaping @Sendable () -> Timestamp) throws ->
        any EventStore

    /// The data folder: the local object store, the link-signing key and the mail folder live in it.
    public var dataFolder: String
    public var openStore: StoreOpener
    /// Finds the CXone tenant to talk to (a real one, or a simulator it starts).
    public var connectCXone: @Sendable () async throws -> CXoneTenant
    /// Makes the HTTP server of a serving application from its other parts.
    public var server: (@Sendable (LedgerApplication) -> any Service)?
    /// The one clock: recorded times, report ids, link expiry, retries, waits and cron ticks.
    public var clock: any CXoneClock
    /// The one logger.
    public var logger: Logger
    /// The tracing exporter's background work (swift-otel's), when the program bootstrapped one: the
    /// application's first service, so it stops last and flushes every span.
    public var tracing: (any Service)?

    /// Parts; by default the system clock, no HTTP server and no tracing exporter.
    public init(
        dataFolder: String, openStore: @escaping StoreOpener,
        connectCXone: @escaping @Sendable () async throws -> CXoneTenant,
        server: (@Sendable (LedgerApplication) -> any Service)? = nil, clock: any CXoneClock = SystemCXoneClock(),
        logger: Logger, tracing: (any Service)? = nil
    ) {
        (self.dataFolder, self.openStore, self.connectCXone) = (dataFolder, openStore, connectCXone)
        (self.server, self.clock, self.logger, self.tracing) = (server, clock, logger, tracing)
    }
}

/// What an application is built with beyond its log (read-only unless `writing`).
public struct ApplicationNeeds: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The log opened for appends.
    public static let writing = ApplicationNeeds(rawValue: 1)
    /// The CXone client: report runs and scheduling.
    public static let cxone = ApplicationNeeds(rawValue: 2)
    /// The publication settings (object store, mailer): publishing.
    public static let publishing = ApplicationNeeds(rawValue: 4)
    /// All of the above, with the cron runner and the HTTP server as services: `serve`.
    public static let serving: ApplicationNeeds = [.writing, .cxone, .publishing, ApplicationNeeds(rawValue: 8)]
}

/// The CXone tenant an application talks to, as its caller found it: the client's configuration, one line
/// naming it (no secret), and how to let it go (an embedded simulator stops).
public struct CXoneTenant: Sendable {
    public var configuration: CXoneConfiguration
    public var description: String
    public var stop: @Sendable () async -> Void

    /// A tenant; `stop` runs after the client is closed.
    public init(
        configuration: CXoneConfiguration, description: String, stop: @escaping @Sendable () async -> Void = {}
    ) {
        self.configuration = configuration
        self.description = description
        self.stop = stop
    }
}
