import DialerCore
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// The program's tracing backend (libraries only make spans): swift-otel's OTLP/HTTP exporter when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, bootstrapped once per
/// process, with `OTEL_SERVICE_NAME` defaulting to `dialer-ledger` and every other `OTEL_*` variable read by
/// swift-otel; otherwise none, and every span goes to the no-op tracer.
enum TracingBackend {
    /// Whether the process has handed out its exporter (a service runs once).
    private static let bootstrapped = Mutex(false)

    /// The exporter's service for the first application the process builds, its diagnostics on `logger`;
    /// nil when tracing is off or the service was handed out. Throws naming a variable swift-otel refuses,
    /// and a gRPC protocol, which this build leaves out (swift-otel would stop the process).
    static func service(environment: [String: String], logger: Logger) throws -> (any Service)? {
        let variables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
        guard variables.contains(where: { environment[$0].map { !$0.isEmpty } ?? false }) else { return nil }
        for variable in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]
        where environment[variable]?.lowercased() == "grpc" {
            throw DialerCoreError.invalidField(
                field: variable, reason: "grpc is not built in; use http/protobuf (the default) or http/json")
        }
        return try bootstrapped.withLock { done in
            guard !done else { return nil }
            var configuration = OTel.Configuration.default
            configuration.serviceName = "dialer-ledger"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.diagnosticLogger = .custom(logger)
            configuration.diagnosticLogLevel = .warning
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            done = true
            return backend.service
        }
    }
}
