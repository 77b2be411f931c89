import Metrics
import Prometheus

/// The program's swift-metrics backend: a Prometheus registry, bootstrapped once per process (libraries only
/// emit). Hummingbird's HTTP metrics are renamed to Prometheus's conventions: `http_requests_total` and
/// `http_request_duration_seconds` by `route`, `method` and `status`.
enum MetricsBackend {
    /// The registry `/metrics` serves.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in (names[name] ?? name, labels.map { (names[$0] ?? $0, $1) }) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    private static let names = [
        "hb.requests": "http_requests_total", "http.server.request.duration": "http_request_duration_seconds",
        "hb.request.errors": "http_request_errors_total", "http.server.active_requests": "http_active_requests",
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status",
        "error.type": "status",
    ]
}
