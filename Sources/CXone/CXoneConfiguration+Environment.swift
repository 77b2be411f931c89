import DialerCore

extension CXoneConfiguration {
    /// The configuration the environment describes (the `CXONE_*` variables listed in the README), or nil
    /// when `CXONE_BASE_URL` is unset (the embedded simulator is used then). Bad values are errors naming
    /// the variable.
    public init?(environment: [String: String]) throws {
        guard let baseURL = environment["CXONE_BASE_URL"], !baseURL.isEmpty else { return nil }
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw DialerCoreError.invalidField(field: name, reason: "must be set when CXONE_BASE_URL is")
            }
            return value
        }
        func seconds(_ name: String) throws -> Duration? {
            guard let text = environment[name] else { return nil }
            guard let value = Int64(text), value > 0 else {
                throw DialerCoreError.invalidField(field: name, reason: "must be a whole number of seconds above 0")
            }
            return .seconds(value)
        }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw DialerCoreError.invalidField(field: "CXONE_BASE_URL", reason: "must start with http:// or https://")
        }
        self.init(
            baseURL: baseURL, tokenURL: environment["CXONE_TOKEN_URL"], clientID: try required("CXONE_CLIENT_ID"),
            clientSecret: Secret(try required("CXONE_CLIENT_SECRET")),
            scopes: (environment["CXONE_SCOPES"] ?? "outbound:campaign:read").split(separator: " ").map(String.init))
        if let placement = environment["CXONE_CREDENTIALS"] {
            guard let value = CredentialPlacement(rawValue: placement) else {
                throw DialerCoreError.invalidField(field: "CXONE_CREDENTIALS", reason: "must be basic or form")
            }
            credentialPlacement = value
        }
        if let text = environment["CXONE_MAX_ATTEMPTS"] {
            guard let attempts = Int(text), attempts >= 1 else {
                throw DialerCoreError.invalidField(
                    field: "CXONE_MAX_ATTEMPTS", reason: "must be a whole number above 0")
            }
            retry.maxAttempts = attempts
        }
        retry.maxTotalTime = try seconds("CXONE_MAX_TOTAL_SECONDS") ?? retry.maxTotalTime
        requestTimeout = try seconds("CXONE_TIMEOUT_SECONDS") ?? requestTimeout
        refreshMargin = try seconds("CXONE_TOKEN_REFRESH_MARGIN_SECONDS") ?? refreshMargin
    }
}
