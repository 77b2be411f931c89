import DialerCore

extension CXoneConfiguration {
    /// The tenant's settings as `config check` lists them, by their `CXONE_*` variables (the client secret only
    /// as set); a variable not set shows the default in use.
    public func effectiveSettings(environment: [String: String]) -> [EffectiveSetting] {
        func row(_ name: String, _ value: String) -> EffectiveSetting {
            EffectiveSetting.fromEnvironment(name, environment, value: value)
        }
        return [
            row("CXONE_BASE_URL", baseURL), row("CXONE_TOKEN_URL", resolvedTokenURL),
            row("CXONE_CLIENT_ID", clientID), EffectiveSetting.secret("CXONE_CLIENT_SECRET", isSet: true),
            row("CXONE_SCOPES", scopes.joined(separator: " ")), row("CXONE_CREDENTIALS", credentialPlacement.rawValue),
            row("CXONE_MAX_ATTEMPTS", "\(retry.maxAttempts)"),
            row("CXONE_MAX_TOTAL_SECONDS", retry.maxTotalTime.compactDescription),
            row("CXONE_TIMEOUT_SECONDS", requestTimeout.compactDescription),
            row("CXONE_TOKEN_REFRESH_MARGIN_SECONDS", refreshMargin.compactDescription),
        ]
    }
}
