import ArgumentParser
import CXone
import Delivery
import DialerCore
import Foundation
import Logging
import Pipelines
import Server
import ServiceLifecycle
import UnixSignals

/// `dialer-ledger serve`: the HTTP server (local report links, health) and the cron runner of the
/// configured report jobs, as one service group that stops gracefully on SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve report links and run the configured report jobs on their cron schedules.",
        discussion: """
            Jobs come from the config file's "jobs" (see Schemas/config.schema.json). Links of the local \
            object store are served under /objects/; an expired or altered link is refused with 403. On \
            SIGTERM or SIGINT the server stops taking requests and runs in flight finish and are recorded.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var settings: ConfigOptions
    @Option(help: "Address to listen on (default: the config's, else 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: the config's, else 8080; 0 picks a free one).") var port: Int?
    @Flag(help: "Log every run and request at info level.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            var configuration = try settings.load(dataFolder: data.folder)
            if let host { configuration.host = host }
            if let port { configuration.port = port }
            let publishing = try configuration.publishSettings(dataFolder: data.folder)
            let metrics = MetricsBackend.registry
            let log = MeteredEventStore(try data.openLog(.readWrite))
            var logger = Logger(label: "dialer-ledger") { ConsoleLogHandler(label: $0) }
            logger.logLevel = verbose ? .info : .notice
            let connection = try await CXoneConnection.open(
                environment: ProcessInfo.processInfo.environment, logger: logger)
            let now: @Sendable () -> Timestamp = { SystemCXoneClock().now() }
            let reports = ReportRunner(store: log, source: connection.client, now: now, logger: logger)
            let runner = CronRunner(
                jobs: configuration.jobs, store: log, reports: reports,
                publishing: publishing, now: now, logger: logger)
            let lines =
                [connection.description] + configuration.describe(dataFolder: data.folder)
                + (configuration.jobs.isEmpty
                    ? ["jobs: none configured (add them under \"jobs\" in the config file)"]
                    : configuration.jobs.map {
                        "job \($0.id): \($0.schedule), campaigns \($0.campaigns.joined(separator: ","))"
                    })
            for line in lines { printError(line) }
            let resumed = try await ReportPublisher(store: log, settings: publishing, now: now, logger: logger)
                .reconcile()
            for result in resumed { printError("finished an earlier publication of \(result.reportID)") }
            let listenHost = configuration.host
            let keys = configuration.apiKeys
            if keys.isEmpty {
                printError(
                    "API: no keys (config server.api_keys, or DIALER_LEDGER_API_KEYS=name:role:secret); /api/v1 refuses all"
                )
            } else {
                printError("API keys: " + keys.keys.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "))
            }
            var limits = ConnectionLimits()
            limits.headerTimeout = configuration.headerTimeout
            limits.idleTimeout = configuration.idleTimeout
            limits.maxConnections = configuration.maxConnections
            let token = CachedCheck(now: now) { [client = connection.client] in
                do {
                    try await client.checkToken(within: .milliseconds(1500))
                    return (true, "a token is obtainable")
                } catch {
                    return (false, "\(error)")
                }
            }
            let app = HTTPServer.application(
                host: configuration.host, port: configuration.port, limits: limits,
                objects: publishing.objects as? LocalObjectStore, store: log, keys: keys, reports: reports,
                readiness: {
                    var checks: [(name: String, ok: Bool, detail: String)] = []
                    do {
                        checks.append(("log", true, "open, \(try await log.lastSequence()) events"))
                    } catch {
                        checks.append(("log", false, "\(error)"))
                    }
                    let cxone = await token.outcome()
                    checks.append(("cxone_token", cxone.ok, cxone.detail))
                    return checks
                }, metrics: metrics,
                open: HTTPServer.OpenRoutes(health: configuration.openHealth, metrics: configuration.openMetrics),
                now: now, logger: logger,
                onRunning: { port in
                    printError("listening on http://\(listenHost):\(port) (SIGTERM or Ctrl-C stops)")
                })
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: app), .init(service: runner)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            printError("stopped")
        }
    }
}
