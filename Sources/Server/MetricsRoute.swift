import DialerCore
import Hummingbird
import Prometheus

/// `GET /metrics`: the Prometheus text exposition of `registry` (the backend the program bootstrapped
/// swift-metrics with: HTTP requests and latencies, CXone calls and retries, events appended), with the log's
/// gauges brought up to date first.
struct MetricsRoute: Sendable {
    let registry: PrometheusCollectorRegistry
    let store: (any EventStore)?
    let followers: EventFollowers
    let head: Gauge
    let lag: Gauge
    let streams: Gauge

    init(registry: PrometheusCollectorRegistry, store: (any EventStore)?, followers: EventFollowers) {
        self.registry = registry
        self.store = store
        self.followers = followers
        lag = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "dialer_ledger", metricName: "projector_lag", unitName: "events",
                helpText:
                    "Events appended that a following projector has not read: the log head minus the position of "
                    + "the furthest-behind open event stream (the charts, completion and audit fold the log on each "
                    + "request and never lag)."),
            labels: [("projector", "event_stream")])
        streams = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "dialer_ledger", metricName: "event_streams", unitName: "open",
                helpText: "Open GET /api/v1/events/stream connections."))
        head = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "dialer_ledger", metricName: "log_head", unitName: "seq",
                helpText: "The sequence of the log's newest event."))
    }

    func add(to router: some RouterMethods<BasicRequestContext>) {
        router.get("metrics") { _, _ in
            if let store {
                let seq = try await store.withSnapshot { try $0.lastSequence() }
                let (behind, open) = followers.lag(head: seq)
                head.set(Double(seq))
                lag.set(Double(behind))
                streams.set(Double(open))
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
