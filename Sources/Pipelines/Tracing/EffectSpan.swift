import Tracing

/// The span of one external effect (an upload, a link, an e-mail, a webhook attempt, a schedule
/// submission): `effect NAME`, a client span with the effect's idempotency key and how it ended. An effect
/// that failed is recorded, not thrown, so its outcome sets the error status itself.
struct EffectSpan {
    let span: any Span

    /// Runs `body` in the span of the effect `name` with idempotency key `key`.
    static func run<Value>(_ name: String, key: String?, _ body: (EffectSpan) async throws -> Value) async rethrows
        -> Value
    {
        try await withSpan("effect \(name)", ofKind: .client) { span in
            span.attributes["dialer_ledger.effect"] = name
            if let key { span.attributes["dialer_ledger.idempotency_key"] = key }
            return try await body(EffectSpan(span: span))
        }
    }

    /// Notes an attribute of the effect (`dialer_ledger.NAME`).
    func note(_ name: String, _ value: some SpanAttributeConvertible) {
        span.attributes["dialer_ledger.\(name)"] = value
    }

    /// Notes how the effect ended; with `failure` (a reason without secrets, as the log records it) the span's
    /// status is an error.
    func ended(_ outcome: String, failure: String? = nil) {
        span.attributes["dialer_ledger.outcome"] = outcome
        if let failure { span.setStatus(SpanStatus(code: .error, message: failure)) }
    }
}
