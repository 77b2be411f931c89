import Hummingbird

/// Answers `CONNECT` (this is no proxy) 405 and closes the connection: a client that starts a tunnel would
/// otherwise wait on a connection that never answers.
struct ConnectRefusal: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .connect else { return try await next(request, context) }
        var response = ErrorBody.response(
            .methodNotAllowed, error: "method_not_allowed", reason: "CONNECT is not served: this is no proxy")
        response.headers[.allow] = "GET, POST"
        response.headers[.connection] = "close"
        return response
    }
}
