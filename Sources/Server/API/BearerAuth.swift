import Hummingbird
import Pipelines

/// Lets a request through when it presents an API key with at least `role`: 401 (with
/// `WWW-Authenticate: Bearer`) without a valid key, 403 when the key's role is too low.
struct BearerAuth: RouterMiddleware {
    typealias Context = BasicRequestContext
    let keys: APIKeys
    let role: APIKeys.Role

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let key = keys.key(authorization: request.headers[.authorization]) else {
            var response = ErrorBody.response(
                .unauthorized, error: "unauthorized",
                reason: keys.isEmpty
                    ? "no API keys are configured (config server.api_keys, or DIALER_LEDGER_API_KEYS=name:role:secret)"
                    : "send a valid API key as Authorization: Bearer …")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"dialer-ledger\""
            return response
        }
        guard key.role >= role else {
            return ErrorBody.response(
                .forbidden, error: "forbidden",
                reason: "the key \(key.name) has the \(key.role.rawValue) role; this needs \(role.rawValue)")
        }
        return try await next(request, context)
    }
}
