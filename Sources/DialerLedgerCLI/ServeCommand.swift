import ArgumentParser
import Foundation
import Logging
import Pipelines
import Server

/// `dialer-ledger serve`: the HTTP server (local report links, health) and the cron runner of the
/// configured report jobs, as one service group that stops gracefully on SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve report links and run the configured report jobs on their cron schedules.",
        discussion: """
            Jobs come from the config file's "jobs" (see Schemas/config.schema.json). Links of the local \
            object store are served under /objects/; an expired or altered link is refused with 403. On \
            SIGTERM or SIGINT the server stops taking requests and runs in flight finish and are recorded.
            """)

    @OptionGroup var logging: LogOptions
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
            // Bootstrapped before any part is built, so every metric reaches the registry.
            let metrics = MetricsBackend.registry
            let logger = logging.logger(unset: verbose ? .info : .notice)
            let listenHost = configuration.host
            let app = try await data.application(configuration, needs: .serving, logger: logger) { app in
                HTTPServer.application(for: app, metrics: metrics) { port in
                    printError("listening on http://\(listenHost):\(port) (SIGTERM or Ctrl-C stops)")
                }
            }
            let lines =
                [app.tenant!.description] + configuration.describe(dataFolder: data.folder)
                + (configuration.jobs.isEmpty
                    ? ["jobs: none configured (add them under \"jobs\" in the config file)"]
                    : configuration.jobs.map {
                        "job \($0.id): \($0.schedule), campaigns \($0.campaigns.joined(separator: ","))"
                    })
            for line in lines { printError(line) }
            let keys = configuration.apiKeys
            if keys.isEmpty {
                printError(
                    "API: no keys (config server.api_keys, or DIALER_LEDGER_API_KEYS=name:role:secret); /api/v1 refuses all"
                )
            } else {
                printError("API keys: " + keys.keys.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "))
            }
            try await app.runUntilSignalled()
            printError("stopped")
        }
    }
}
