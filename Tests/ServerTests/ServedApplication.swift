import Logging
import ServiceLifecycle

/// An application serving on a free loopback port in a service group of its own, until `stop()`.
struct ServedApplication {
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let port: Int

    /// A logger that writes nothing.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Starts the application `make` builds around the `onRunning` it is handed, and waits for its port.
    static func start(_ make: (@escaping @Sendable (Int) async -> Void) -> some Service) async -> ServedApplication {
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = make { port in
            sink.yield(port)
            sink.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let task = Task { try await group.run() }
        var port = 0
        for await value in ports { port = value }
        return ServedApplication(group: group, task: task, port: port)
    }

    /// Stops the application and waits for it to end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
