import AsyncHTTPClient
import Delivery
import DialerCore
import InMemoryTracing
import Testing
import Tracing

@testable import Server

/// Each request through the server as a server span, caught by an in-memory tracer bound to the test's tasks.
@Suite struct ServerTracingTests {
    @Test func aRequestIsAServerSpanNamedByItsRouteWithALinksSignatureRedacted() async throws {
        let tracer = InMemoryTracer()
        let status = try await withTracer(tracer) {
            let served = await ServedApplication.start { onRunning in
                HTTPServer.application(
                    host: "127.0.0.1", port: 0, objects: nil, now: { Timestamp(milliseconds: 0) },
                    logger: ServedApplication.quiet, onRunning: onRunning)
            }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(served.port)/healthz?signature=s3cr3t&x=1")
            let response = try await HTTPClient.untraced.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 16)
            // Stopped before reading the spans: a span ends once its response is written.
            await served.stop()
            return Int(response.status.code)
        }
        #expect(status == 200)
        let spans = tracer.finishedSpans
        #expect(spans.count == 1)
        let span = try #require(spans.first)
        #expect(span.kind == .server && span.parentSpanID == nil)
        #expect(span.operationName == "/healthz")
        #expect(span.attributes.get("http.request.method") == .string("GET"))
        #expect(span.attributes.get("http.route") == .string("/healthz"))
        #expect(span.attributes.get("http.response.status_code") == .int64(200))
        #expect(span.attributes.get("url.query") == .string("signature=REDACTED&x=1"))
        #expect(span.status == nil)
    }
}
