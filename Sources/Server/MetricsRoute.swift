import DialerCore
import Hummingbird
import Prometheus

/// `GET /metrics`: the Prometheus text exposition of `registry` (the backend the program bootstrapped
/// swift-metrics with: HTTP requests and latencies, CXone calls and retries, events appended), with the log's
/// gauges brought up to date first.
struct MetricsRoute: Sendable {
    let registry: PrometheusCollectorRegistry
    let store: (any EventStore)?
    let head: Gauge

    init(registry: PrometheusCollectorRegistry, store: (any EventStore)?) {
        self.registry = registry
        self.store = store
        head = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "dialer_ledger", metricName: "log_head", unitName: "seq",
                helpText: "The sequence of the log's newest event."))
    }

    func add(to router: some RouterMethods<BasicRequestContext>) {
        router.get("metrics") { _, _ in
            if let store { head.set(Double(try store.withSnapshot { try $0.lastSequence() })) }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
