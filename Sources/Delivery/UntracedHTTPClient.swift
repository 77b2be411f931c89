import AsyncHTTPClient

extension HTTPClient {
    /// The client of S3 and webhook requests unless one is given: the shared client's settings without
    /// AsyncHTTPClient's own spans, which record whole URLs (a webhook URL may carry a secret in its query);
    /// the application traces each effect itself, naming no URL.
    public static let untraced: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
