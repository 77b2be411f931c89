import DialerCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A simulated CXone API on real HTTP (loopback by default): the token endpoint, the hourly campaign
/// report, schedule submission and the outbound analytics query, with deterministic data from a seed and
/// random or scripted faults. Start it with `start(_:)`, stop it with `stop()`.
public final class CXoneSimulator: Sendable {
    /// The host it listens on.
    public let host: String
    /// The port it listens on.
    public let port: Int
    private let responder: SimulatorResponder
    private let group: ServiceGroup
    private let server: Task<Void, any Error>

    /// The base URL to configure a client with: `http://HOST:PORT`.
    public var baseURL: String { "http://\(host):\(port)" }

    private init(
        host: String, port: Int, responder: SimulatorResponder, group: ServiceGroup, server: Task<Void, any Error>
    ) {
        self.host = host
        self.port = port
        self.responder = responder
        self.group = group
        self.server = server
    }

    /// Starts a simulator and returns once it accepts connections.
    public static func start(_ configuration: SimulatorConfiguration = SimulatorConfiguration()) async throws
        -> CXoneSimulator
    {
        try configuration.validate()
        let logger =
            configuration.logger ?? Logger(label: "cxone-simulator", factory: { _ in SwiftLogNoOpLogHandler() })
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let responder = SimulatorResponder(configuration: configuration, logger: logger)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "cxone-simulator"),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: serverLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: serverLogger))
        let server = Task {
            defer { portSink.finish() }
            try await group.run()
        }
        for await port in ports {
            logger.info("CXone simulator listening on http://\(configuration.host):\(port)")
            return CXoneSimulator(
                host: configuration.host, port: port, responder: responder, group: group, server: server)
        }
        let address = "\(configuration.host):\(configuration.port)"
        switch await server.result {
        case .failure(let error): throw SimulatorError.cannotStart(address: address, reason: "\(error)")
        case .success: throw SimulatorError.cannotStart(address: address, reason: "the server stopped at once")
        }
    }

    /// Stops accepting connections, lets requests in flight finish, and waits until the server is down.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await server.result
    }

    /// Every request received so far (control endpoints excluded), oldest first.
    public func requests() -> [SimulatorRequest] { responder.world.withLock { $0.requests } }

    /// Queues `fault` for the next matching requests.
    public func script(_ fault: ScriptedFault) { responder.world.withLock { $0.scripted.append(fault) } }

    /// Revokes every issued token, as if they had all expired.
    public func revokeAllTokens() { responder.world.withLock { $0.revokeAllTokens() } }
}
