import Delivery
import DialerCore
import Hummingbird
import Logging

/// The HTTP side of `dialer-ledger serve`: the local object store's links and health, on Hummingbird.
public enum HTTPServer {
    /// The application: a swift-service-lifecycle service that listens on `host:port` (0 picks a free port,
    /// reported to `onRunning`).
    public static func application(
        host: String, port: Int, objects: LocalObjectStore?, now: @escaping @Sendable () -> Timestamp,
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        if let objects { ObjectLinkRoutes(objects: objects, now: now).add(to: router) }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "dialer-ledger"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
