/// What an operator should do about a failed CXone call, in one line.
extension CXoneError {
    /// Whether the call that failed was the token request (credentials), not an API call.
    public var isTokenEndpoint: Bool { endpoint == TokenRequest.endpoint }

    /// Whether CXone refused the API request as asked (a 4xx such as 404, no such campaign): the caller's
    /// fault, not the credentials' (401, 403), the timing's (408) or the rate limit's (429).
    public var refusedRequest: Bool {
        guard !isTokenEndpoint, let status = lastStatus else { return false }
        return (400...499).contains(status) && ![401, 403, 408, 429].contains(status)
    }

    /// The cause in words an operator can act on, naming the endpoint and status and the setting to check;
    /// the body excerpt is left out, so nothing the server echoed reaches it.
    public var operatorAdvice: String {
        let token = isTokenEndpoint
        if let status = lastStatus {
            switch status {
            case 400 where token, 401 where token:
                return "CXone refused the client credentials (HTTP \(status) from the token endpoint): "
                    + "check CXONE_CLIENT_ID and CXONE_CLIENT_SECRET"
            case 403 where token:
                return "CXone refused the requested scopes (HTTP 403 from the token endpoint): check CXONE_SCOPES"
            case 401, 403:
                return "CXone refused the access token (HTTP \(status) from the \(endpoint)): "
                    + "check the API client's permissions and CXONE_SCOPES"
            case 404:
                return "CXone has no such campaign (HTTP 404 from the \(endpoint)): "
                    + "check the campaign id and CXONE_BASE_URL"
            case 429, 500...:
                return "CXone kept answering HTTP \(status) from the \(endpoint) (\(attempts) attempts): "
                    + "it is overloaded or down; try again later"
            default: return description
            }
        }
        switch kind {
        case .transport(let reason):
            return "CXone could not be reached at the \(endpoint) (\(reason)): check CXONE_BASE_URL"
                + (token ? " and CXONE_TOKEN_URL" : "") + " and the network"
        case .attemptsExhausted, .outOfTime:
            return "CXone could not be reached at the \(endpoint) (no response in \(attempts) "
                + (attempts == 1 ? "attempt" : "attempts") + "): check CXONE_BASE_URL"
                + (token ? " and CXONE_TOKEN_URL" : "") + " and the network"
        case .malformedBody(let reason):
            return "CXone's \(endpoint) answered with a body that is not the documented JSON (\(reason)): "
                + "check that CXONE_BASE_URL is the CXone API"
        case .status: return description
        }
    }
}
