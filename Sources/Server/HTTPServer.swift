import Delivery
import DialerCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Pipelines
import Prometheus

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
    /// Which routes answer without an API key: health (`/healthz`, `/readyz`) and `/metrics`; a closed one
    /// needs a read key.
    public struct OpenRoutes: Sendable {
        /// `/healthz` and `/readyz` (open by default, for probes).
        public var health: Bool
        /// `/metrics` (closed by default: a scraper sends a read key).
        public var metrics: Bool
        /// The defaults: health open, metrics closed.
        public init(health: Bool = true, metrics: Bool = false) {
            (self.health, self.metrics) = (health, metrics)
        }
    }

    /// The application: a swift-service-lifecycle service that listens on `host:port` (0 picks a free port,
    /// reported to `onRunning`) within `limits`, tracing each request (swift-distributed-tracing). With `metrics` (the registry swift-metrics was bootstrapped with)
    /// every request is counted and timed and `/metrics` serves the registry.
    public static func application(
        host: String, port: Int, limits: ConnectionLimits = ConnectionLimits(), objects: LocalObjectStore?,
        store: (any EventStore)? = nil, keys: APIKeys = .none,
        reports: ReportRunner? = nil, adhocRuns: Int = 2, readiness: ReadinessCheck? = nil,
        metrics: PrometheusCollectorRegistry? = nil, open: OpenRoutes = OpenRoutes(),
        now: @escaping @Sendable () -> Timestamp, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        // A server span per request (named by its route), joining the caller's trace when it sends one; a
        // link's signature is not traced.
        router.add(middleware: TracingMiddleware(redactingQueryParameters: ["signature"]))
        router.add(middleware: ConnectRefusal())
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        let reader = BearerAuth(keys: keys, role: .read)
        let followers = EventFollowers()
        let health = open.health ? router.group() : router.group().add(middleware: reader)
        health.get("healthz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        if let readiness {
            health.get("readyz") { _, _ in
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
        if let metrics {
            MetricsRoute(registry: metrics, store: store, followers: followers).add(
                to: open.metrics ? router.group() : router.group().add(middleware: reader))
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
            let reads = api.group().add(middleware: reader)
            ReadRoutes(store: store).add(to: reads)
            EventStreamRoutes(store: store, followers: followers).add(to: reads)
            let runs = api.group().add(middleware: BearerAuth(keys: keys, role: .run))
            ReplayRoutes(store: store).add(to: runs)
            if let reports {
                RunRoutes(runner: reports, limits: ReportLimits(), inFlight: .init(limit: adhocRuns)).add(to: runs)
            }
        }
        return Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionGuard(headerTimeout: limits.headerTimeout)],
                    idleTimeout: TimeAmount(limits.idleTimeout))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "dialer-ledger",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
