import DialerCore

/// What the real profile discovers once per client: the issuer's token endpoint (OIDC discovery) and each
/// tenant's API endpoint (`/.well-known/cxone-configuration?tenantId=`). A failed look-up is not kept.
actor CXoneDiscovery {
    private var tokenEndpoint: String?
    private var apiEndpoints: [String: String] = [:]

    /// The token endpoint, from `load` the first time.
    func tokenEndpoint(_ load: @Sendable () async throws -> String) async throws -> String {
        if let tokenEndpoint { return tokenEndpoint }
        let found = try await load()
        tokenEndpoint = found
        return found
    }

    /// The API endpoint of `tenant`, from `load` the first time.
    func apiEndpoint(tenant: String, _ load: @Sendable () async throws -> String) async throws -> String {
        if let known = apiEndpoints[tenant] { return known }
        let found = try await load()
        apiEndpoints[tenant] = found
        return found
    }
}
