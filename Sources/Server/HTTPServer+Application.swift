import Delivery
import DialerCore
import Hummingbird
import Pipelines
import Prometheus

extension HTTPServer {
    /// The HTTP server of `app`, as its settings say (address, connection limits, API keys, open routes): the
    /// local store's links, the API over its log and report runner, and `/readyz` checking the log and that a
    /// CXone token is obtainable (cached). `metrics` and `onRunning` are as in `application(host:…)`.
    public static func application(
        for app: LedgerApplication, metrics: PrometheusCollectorRegistry?,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let settings = app.configuration
        var limits = ConnectionLimits()
        limits.headerTimeout = settings.headerTimeout
        limits.idleTimeout = settings.idleTimeout
        limits.maxConnections = settings.maxConnections
        let token = app.cxone.map { client in
            CachedCheck(now: app.now) {
                do {
                    try await client.checkToken(within: .milliseconds(1500))
                    return (true, "a token is obtainable")
                } catch {
                    return (false, "\(error)")
                }
            }
        }
        let store = app.store
        return application(
            host: settings.host, port: settings.port, limits: limits,
            objects: app.publishing?.objects as? LocalObjectStore, store: store, keys: settings.apiKeys,
            reports: app.reports,
            readiness: {
                var checks: [(name: String, ok: Bool, detail: String)] = []
                do {
                    checks.append(("log", true, "open, \(try await store.lastSequence()) events"))
                } catch {
                    checks.append(("log", false, "\(error)"))
                }
                if let cxone = await token?.outcome() { checks.append(("cxone_token", cxone.ok, cxone.detail)) }
                return checks
            }, metrics: metrics,
            open: OpenRoutes(health: settings.openHealth, metrics: settings.openMetrics),
            now: app.now, logger: app.logger, onRunning: onRunning)
    }
}
