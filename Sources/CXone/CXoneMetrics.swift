/// The metrics of CXone calls (through swift-metrics), with their label values in Prometheus's form.
public enum CXoneMetrics {
    /// Counter: attempts sent, by `endpoint` and answered `status` (`error`: no answer).
    public static let calls = "dialer_ledger_cxone_calls_total"
    /// Counter: attempts repeated after a failure, by `endpoint` and the `status` that made it retry.
    public static let retries = "dialer_ledger_cxone_retries_total"

    /// An endpoint's name as a label value: snake case (`campaign_report`), no spaces.
    static func label(endpoint: String) -> String { endpoint.replacing(" ", with: "_") }
}
