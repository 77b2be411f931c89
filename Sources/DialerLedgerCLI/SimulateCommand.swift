import ArgumentParser
import CXoneSimulator
import Foundation
import Logging
import UnixSignals

/// `dialer-ledger simulate`: serves the CXone simulator until SIGINT or SIGTERM.
struct SimulateCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Serve a simulated CXone API (the seeds' endpoints, or a real tenant's with --profile cxone) with faults.",
        discussion: """
            Data are a pure function of --seed. Fault rates are shares of API requests (0 to 1, adding up \
            to at most 1); the token endpoint gets none. Tests script exact faults with POST /_sim/faults \
            and read what arrived with GET /_sim/requests. Stop with Ctrl-C or SIGTERM.
            """
    )

    @OptionGroup var logging: LogOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one.") var port = 8089
    @Option(help: "Seed of every simulated number.") var seed: UInt64 = 1
    @Option(name: .customLong("client-id"), help: "The client id the token endpoint accepts.")
    var clientID = SimulatorConfiguration().clientID
    @Option(name: .customLong("client-secret"), help: "The client secret the token endpoint accepts.")
    var clientSecret = SimulatorConfiguration.defaultClientSecret
    @Option(
        name: .customLong("token-lifetime"), help: ArgumentHelp("How long a token is valid.", valueName: "DURATION"))
    var tokenLifetime = "1h"
    @Flag(name: .customLong("no-expires-in"), help: "Leave expires_in out of token responses.")
    var noExpiresIn = false
    @Option(name: .customLong("rate-429"), help: "Share of API requests answered 429.") var rate429 = 0.0
    @Option(name: .customLong("retry-after"), help: "Retry-After seconds sent with a 429.") var retryAfter = 1
    @Option(name: .customLong("rate-500"), help: "Share answered 500.") var rate500 = 0.0
    @Option(name: .customLong("rate-401"), help: "Share answered 401, revoking the token.") var rate401 = 0.0
    @Option(help: "Milliseconds added to every API response, after the request took effect.") var slow = 0
    @Option(
        name: .customLong("slow-only"),
        help: ArgumentHelp("Delay only these endpoints (token, report, schedules, analytics).", valueName: "A,B"))
    var slowOnly: String?
    @Option(name: .customLong("rate-malformed"), help: "Share answered 200 with a body that is not JSON.")
    var rateMalformed = 0.0
    @Option(name: .customLong("rate-truncated"), help: "Share answered with the real JSON cut in half.")
    var rateTruncated = 0.0
    @Option(name: .customLong("rate-wrong-content-type"), help: "Share answered 200 with an HTML page.")
    var rateWrongContentType = 0.0
    @Option(
        help: "The contract to speak: seed (the seeds' endpoints) or cxone (a real tenant's login and Reporting API).")
    var profile: SimulatorProfile = .seed
    @Option(
        name: .customLong("rows-key"),
        help: "The cxone profile's dialer-contacts key (wfM_OB_StatsV9 or outboundStats).")
    var rowsKey = SimulatorConfiguration().rowsKey
    @Flag(name: .customLong("log-requests"), help: "Log each request's method, path and status to standard error.")
    var logRequests = false

    func run() async throws {
        try await reportingErrors {
            let simulator = try await CXoneSimulator.start(try simulatorConfiguration())
            // Trapped before the address is printed: a launcher may send SIGTERM as soon as it reads it.
            let stopSignals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
            print("CXone simulator listening on \(simulator.baseURL) (seed \(seed)); Ctrl-C stops it")
            let secret = clientSecret == SimulatorConfiguration.defaultClientSecret ? clientSecret : "…"
            switch profile {
            case .seed:
                print(
                    "  use it: CXONE_BASE_URL=\(simulator.baseURL) CXONE_CLIENT_ID=\(clientID) CXONE_CLIENT_SECRET=\(secret)"
                )
            case .cxone:
                let simulated = SimulatorConfiguration()
                print(
                    "  use it: CXONE_PROFILE=cxone CXONE_ISSUER=\(simulator.baseURL) CXONE_CLIENT_ID=\(clientID) "
                        + "CXONE_CLIENT_SECRET=\(secret) CXONE_ACCESS_KEY_ID=\(simulated.accessKeyID) "
                        + "CXONE_ACCESS_KEY_SECRET=\(simulated.accessKeySecret)")
            }
            fflush(nil)  // launchers read the address from a pipe
            for await _ in stopSignals { break }
            await simulator.stop()
            print("CXone simulator stopped")
        }
    }

    private func simulatorConfiguration() throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.seed = seed
        configuration.clientID = clientID
        configuration.clientSecret = clientSecret
        configuration.profile = profile
        configuration.rowsKey = rowsKey
        configuration.tokenLifetimeSeconds = Int(
            try Duration(parsing: tokenLifetime, field: "--token-lifetime").components.seconds)
        configuration.includeExpiresIn = !noExpiresIn
        configuration.faults.tooManyRequests = rate429
        configuration.faults.retryAfterSeconds = retryAfter
        configuration.faults.serverErrors = rate500
        configuration.faults.expiredTokens = rate401
        configuration.faults.slowMilliseconds = slow
        configuration.faults.slowEndpoints = Set(
            try (slowOnly.map(splitList) ?? []).map { name in
                guard let endpoint = SimulatedEndpoint(rawValue: name), endpoint != .any else {
                    throw ValidationError("--slow-only: \"\(name)\" is not token, report, schedules or analytics")
                }
                return endpoint
            })
        configuration.faults.malformedJSON = rateMalformed
        configuration.faults.truncatedJSON = rateTruncated
        configuration.faults.wrongContentType = rateWrongContentType
        if logRequests {
            var logger = Logger(label: "cxone-simulator")
            logger.logLevel = (try? logging.level()) ?? .debug
            configuration.logger = logger
        }
        return configuration
    }
}

extension SimulatorProfile: ExpressibleByArgument {}
