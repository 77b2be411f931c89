import DialerCore
import Metrics
import Pipelines
import Prometheus

/// The swift-metrics backend `/metrics` serves: a Prometheus registry, with each metric's HELP text
/// (`MetricCatalogue`), Hummingbird's HTTP metrics renamed to Prometheus's conventions
/// (`http_requests_total` and `http_request_duration_seconds` by `route`, `method` and `status`), the known
/// outcome series started at zero, and `dialer_ledger_build_info{version}` at 1.
public struct PrometheusBackend: MetricsFactory {
    /// The registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    private let base: PrometheusMetricsFactory

    /// A backend over `registry`, its fixed series registered.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var base = PrometheusMetricsFactory(registry: registry)
        base.nameAndLabelSanitizer = Self.renamed
        self.base = base
        registry.makeGauge(
            descriptor: Self.described("dialer_ledger_build_info", help: Self.buildInfoHelp),
            labels: [("version", BuildInfo.version)]
        ).set(to: 1)
        for (name, labelSets) in OutcomeMetrics.knownOutcomes {
            for labels in labelSets { _ = makeCounter(label: name, dimensions: labels) }
        }
    }

    private static let names = [
        "hb.requests": "http_requests_total", "http.server.request.duration": "http_request_duration_seconds",
        "hb.request.errors": "http_request_errors_total", "http.server.active_requests": "http_active_requests",
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status",
        "error.type": "status",
    ]

    /// HELP text by name: the catalogue's, Hummingbird's HTTP metrics' and the build's.
    static let help = MetricCatalogue.help.merging([
        "http_requests_total": "HTTP requests answered, by route pattern, method and status.",
        "http_request_duration_seconds": "Time to answer an HTTP request, by route pattern, method and status.",
        "http_request_errors_total": "HTTP requests that ended in an error, by route pattern, method and status.",
        "http_active_requests": "HTTP requests being answered.",
    ]) { $1 }

    private static let buildInfoHelp = "This build of dialer-ledger, by version; always 1."

    private static func renamed(_ name: String, _ labels: [(String, String)]) -> (String, [(String, String)]) {
        (names[name] ?? name, labels.map { (names[$0] ?? $0, $1) })
    }

    private static func described(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let (name, labels) = Self.renamed(label, dimensions)
        guard let help = Self.help[name] else { return base.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: Self.described(name, help: help), labels: labels)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        let (name, labels) = Self.renamed(label, dimensions)
        guard let help = Self.help[name] else {
            return base.makeFloatingPointCounter(label: label, dimensions: dimensions)
        }
        return registry.makeCounter(descriptor: Self.described(name, help: help), labels: labels)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let (name, labels) = Self.renamed(label, dimensions)
        guard !aggregate, let help = Self.help[name] else {
            return base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return registry.makeGauge(descriptor: Self.described(name, help: help), labels: labels)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let (name, labels) = Self.renamed(label, dimensions)
        guard let help = Self.help[name] else { return base.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(descriptor: Self.described(name, help: help), labels: labels)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let (name, labels) = Self.renamed(label, dimensions)
        guard let help = Self.help[name] else { return base.makeTimer(label: label, dimensions: dimensions) }
        return registry.makeDurationHistogram(
            descriptor: Self.described(name, help: help), labels: labels, buckets: base.defaultDurationHistogramBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        base.destroyFloatingPointCounter(handler)
    }
    public func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
