import DialerCore

extension CXoneConfiguration {
    /// The configuration the environment describes (the `CXONE_*` variables listed in the README), or nil
    /// when it names no tenant: `CXONE_BASE_URL` unset (seed profile) or `CXONE_ACCESS_KEY_ID` unset (the
    /// `cxone` profile, from `CXONE_PROFILE`, else `profile`, the configuration file's); the embedded
    /// simulator is used then. Bad values are errors naming the variable.
    public init?(environment: [String: String], profile fileProfile: String = "seed") throws {
        let name = environment["CXONE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? fileProfile
        guard let profile = Profile(rawValue: name) else {
            throw DialerCoreError.invalidField(field: "CXONE_PROFILE", reason: "\"\(name)\" is not seed or cxone")
        }
        let naming = profile == .seed ? "CXONE_BASE_URL" : "CXONE_ACCESS_KEY_ID"
        guard let named = environment[naming], !named.isEmpty else { return nil }
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw DialerCoreError.invalidField(field: name, reason: "must be set when \(naming) is")
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
        func url(_ name: String, _ value: String) throws -> String {
            guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
                throw DialerCoreError.invalidField(field: name, reason: "must start with http:// or https://")
            }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        switch profile {
        case .seed:
            self.init(
                baseURL: try url("CXONE_BASE_URL", named), tokenURL: environment["CXONE_TOKEN_URL"],
                clientID: try required("CXONE_CLIENT_ID"), clientSecret: Secret(try required("CXONE_CLIENT_SECRET")),
                scopes: (environment["CXONE_SCOPES"] ?? "outbound:campaign:read").split(separator: " ").map(String.init)
            )
        case .cxone:
            let issuer = try url("CXONE_ISSUER", environment["CXONE_ISSUER"] ?? CXoneConfiguration.defaultIssuer)
            self.init(
                baseURL: issuer, clientID: try required("CXONE_CLIENT_ID"),
                clientSecret: Secret(try required("CXONE_CLIENT_SECRET")), scopes: [])
            self.profile = .cxone
            self.issuer = issuer
            accessKeyID = named
            accessKeySecret = Secret(try required("CXONE_ACCESS_KEY_SECRET"))
            maxReportHours = 7 * 24
            if let text = environment["CXONE_API_VERSION"] {
                guard let version = Int(text), (1...999).contains(version) else {
                    throw DialerCoreError.invalidField(
                        field: "CXONE_API_VERSION", reason: "\"\(text)\" is not a version number such as 34")
                }
                apiVersion = version
            }
        }
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
