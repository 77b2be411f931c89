import CXone
import Delivery
import DialerCore
import Foundation
import Logging
import ServiceLifecycle

/// The service put together once, by `buildApplication`: the log, the CXone client, the runners and the
/// publisher, and the long-running parts (the tracing exporter, the CXone client's lifetime, the HTTP server,
/// the cron runner) as the services of one `ServiceGroup`, started in that order and stopped in reverse. `serve` runs it until
/// a signal; the other commands run their one task within it (`run(_:)`); a test runs it in a group of its own.
public struct LedgerApplication: Service {
    /// The settings it was built from.
    public let configuration: ServiceConfiguration
    /// The data folder of its parts.
    public let dataFolder: String
    /// The event log (counting appends for `/metrics`).
    public let store: any EventStore
    /// The one clock.
    public let clock: any CXoneClock
    /// The one logger.
    public let logger: Logger
    /// The CXone tenant, when built with `.cxone`.
    public let tenant: CXoneTenant?
    /// Its client, closed when the application stops.
    public let cxone: CXoneClient?
    /// The publication settings, when built with `.publishing`.
    public let publishing: PublishSettings?
    /// The report runner of ad hoc, cron and API runs, when built with `.cxone`.
    public let reports: ReportRunner?
    /// The cron runner of the configured jobs, when built with `.cxone` (`jobs run` runs a tick on it); it
    /// runs as a service when serving.
    public let cronRunner: CronRunner?
    var services: [any Service] = []

    /// The clock as the runners take it.
    public var now: @Sendable () -> Timestamp { { [clock] in clock.now() } }

    /// Runs the services until the task is cancelled or shut down gracefully (by an enclosing group).
    public func run() async throws {
        try await ServiceGroup(configuration: ServiceGroupConfiguration(services: entries, logger: logger)).run()
    }

    /// Runs the services until SIGTERM or SIGINT, then stops them gracefully: in-flight runs finish and are
    /// recorded.
    public func runUntilSignalled() async throws {
        try await ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: entries, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        ).run()
    }

    /// Runs `task` while the services run, then stops them (the CXone client closed, an embedded simulator
    /// stopped) and returns what the task returned or rethrows what it threw.
    public func run<Value>(_ task: (LedgerApplication) async throws -> Value) async throws -> Value {
        try await runningServices(services, logger: logger) { try await task(self) }
    }

    private var entries: [ServiceGroupConfiguration.ServiceConfiguration] { services.map { .init(service: $0) } }

    /// A report runner within `limits`, with run and event ids from `makeID` (fixed in golden tests).
    public func reportRunner(limits: ReportLimits = ReportLimits(), makeID: @escaping @Sendable () -> UUID = { UUID() })
        -> ReportRunner
    {
        guard let cxone else { preconditionFailure("a report runner needs an application built with .cxone") }
        return ReportRunner(store: store, source: cxone, limits: limits, now: now, makeID: makeID, logger: logger)
    }

    /// A publisher with the built settings, or `settings`.
    public func publisher(settings: PublishSettings? = nil) -> ReportPublisher {
        guard let settings = settings ?? publishing else {
            preconditionFailure("a publisher needs an application built with .publishing")
        }
        return ReportPublisher(store: store, settings: settings, now: now, logger: logger)
    }

    /// A webhook deliverer retrying on `schedule`, signing with `sender` (default: one on the application's
    /// clock); `progress` hears each failed attempt.
    public func webhookDeliverer(
        sender: WebhookSender? = nil, schedule: WebhookRetrySchedule = .standard,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) -> WebhookDeliverer {
        WebhookDeliverer(
            store: store, sender: sender ?? WebhookSender(now: now), schedule: schedule,
            sleep: { [clock] in try await clock.sleep(for: $0) }, logger: logger, progress: progress)
    }

    /// A scheduling worker on the CXone client, delivering webhooks with `webhooks` (default: the
    /// application's deliverer); `progress` hears one line per step.
    public func scheduleWorker(
        webhooks: WebhookDeliverer? = nil, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) -> ScheduleWorker {
        guard let cxone else { preconditionFailure("a scheduling worker needs an application built with .cxone") }
        return ScheduleWorker(
            store: store, cxone: cxone, webhooks: webhooks ?? webhookDeliverer(progress: progress), now: now,
            sleep: { [clock] in try await clock.sleep(for: $0) }, logger: logger, progress: progress)
    }
}

/// Builds the application as `needs` say: the publication settings, the log (read-only unless `.writing`),
/// the CXone client and its report runner, and for serving the cron runner of the configured jobs and the
/// HTTP server; every part on `parts`' clock and logger. Nothing starts until it runs; once built with
/// `.cxone` it must be run, which closes the client.
public func buildApplication(
    configuration: ServiceConfiguration, parts: ApplicationParts, needs: ApplicationNeeds = []
) async throws -> LedgerApplication {
    let clock = parts.clock
    let now: @Sendable () -> Timestamp = { clock.now() }
    let publishing = try needs.contains(.publishing) ? configuration.publishSettings(dataFolder: parts.dataFolder) : nil
    let opened = try parts.openStore(needs.contains(.writing), now)
    let store = MeteredEventStore(opened)
    var tenant: CXoneTenant?
    var cxone: CXoneClient?
    if needs.contains(.cxone) {
        let found = try await parts.connectCXone()
        tenant = found
        cxone = CXoneClient(configuration: found.configuration, clock: clock, logger: parts.logger)
    }
    let reports = cxone.map { ReportRunner(store: store, source: $0, now: now, logger: parts.logger) }
    let serving = needs.isSuperset(of: .serving)
    let cronRunner = reports.map {
        CronRunner(
            jobs: configuration.jobs, store: store, reports: $0, publishing: publishing, now: now,
            sleep: { try await clock.sleep(for: $0) }, logger: parts.logger)
    }
    var application = LedgerApplication(
        configuration: configuration, dataFolder: parts.dataFolder, store: store, clock: clock, logger: parts.logger,
        tenant: tenant, cxone: cxone, publishing: publishing, reports: reports, cronRunner: cronRunner)
    // The tracing exporter stops last, flushing the spans of every part; then a log with a lifetime of its
    // own (PostgreSQL's connection pool).
    if let tracing = parts.tracing { application.services.append(tracing) }
    if let service = opened as? any Service { application.services.append(service) }
    if let cxone, let tenant { application.services.append(CXoneLifetime(client: cxone, tenant: tenant)) }
    if serving, let server = parts.server { application.services.append(server(application)) }
    if serving, let cronRunner { application.services.append(cronRunner) }
    return application
}

/// Runs `task` while `services` run in one `ServiceGroup`, then shuts them down gracefully and returns what
/// the task returned or rethrows what it threw: for a command's one task, or a maintenance command's log.
public func runningServices<Value>(
    _ services: [any Service], logger: Logger, _ task: () async throws -> Value
) async throws -> Value {
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger))
    async let running: Void = group.run()
    let outcome: Result<Value, any Error>
    do {
        outcome = .success(try await task())
    } catch {
        outcome = .failure(error)
    }
    await group.triggerGracefulShutdown()
    try await running
    return try outcome.get()
}
