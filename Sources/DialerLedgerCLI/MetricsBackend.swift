import Metrics
import Prometheus
import Server

/// The program's swift-metrics backend (`PrometheusBackend`), bootstrapped once per process (libraries only
/// emit).
enum MetricsBackend {
    /// The registry `/metrics` serves.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusBackend(registry: registry))
        return registry
    }()
}
