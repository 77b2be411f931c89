import Delivery
import DialerCore
import Foundation
import Hummingbird
import Logging
import Pipelines

/// `Schemas/openapi.yaml` (kept in this target as a resource, so the served document is the one in the repo).
let openAPIDocument: [UInt8] = {
    guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
        let data = try? Data(contentsOf: url)
    else { return Array("openapi.yaml is missing from the build\n".utf8) }
    return Array(data)
}()

/// What `/readyz` asks: named checks, each ok or not with a detail (never a secret).
public typealias ReadinessCheck = @Sendable () async -> [(name: String, ok: Bool, detail: String)]

/// The HTTP side of `dialer-ledger serve` on Hummingbird: health, the local object store's links, and the
/// API over the log (bearer API keys).
public enum HTTPServer {
    /// The application: a swift-service-lifecycle service that listens on `host:port` (0 picks a free port,
    /// reported to `onRunning`).
    public static func application(
        host: String, port: Int, objects: LocalObjectStore?, store: (any EventStore)? = nil, keys: APIKeys = .none,
        reports: ReportRunner? = nil, adhocRuns: Int = 2, readiness: ReadinessCheck? = nil,
        now: @escaping @Sendable () -> Timestamp, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        if let readiness {
            router.get("readyz") { _, _ in
                let checks = await readiness()
                let ready = checks.allSatisfy(\.ok)
                return JSONResponse.ok(
                    [
                        "status": .string(ready ? "ready" : "not_ready"),
                        "checks": .object(
                            Dictionary(
                                uniqueKeysWithValues: checks.map { check in
                                    (check.name, ["ok": .bool(check.ok), "detail": .string(check.detail)] as JSONValue)
                                })),
                    ], status: ready ? .ok : .serviceUnavailable)
            }
        }
        router.get("openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: openAPIDocument)))
        }
        if let objects { ObjectLinkRoutes(objects: objects, now: now).add(to: router) }
        if let store {
            let api = router.group("api/v1").add(middleware: APIErrorMiddleware())
            ReadRoutes(store: store).add(to: api.group().add(middleware: BearerAuth(keys: keys, role: .read)))
            let runs = api.group().add(middleware: BearerAuth(keys: keys, role: .run))
            ReplayRoutes(store: store).add(to: runs)
            if let reports {
                RunRoutes(runner: reports, limits: ReportLimits(), inFlight: .init(limit: adhocRuns)).add(to: runs)
            }
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "dialer-ledger"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
