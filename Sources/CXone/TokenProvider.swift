import DialerCore
import Foundation

/// An access token and when to stop using it.
public struct AccessToken: Sendable, Equatable {
    /// The bearer token.
    public var value: Secret
    /// When the server says it expires.
    public var expiresAt: Timestamp
    /// When to fetch the next one: the refresh margin before expiry.
    public var refreshAt: Timestamp
    /// The refresh token that came with it (the real profile), for the next one.
    public var refreshToken: Secret?
    /// The tenant id its payload carries (the real profile).
    public var tenantID: String?
}

/// OAuth2 tokens: cached, refreshed a margin before expiry, one refresh in flight however many callers wait,
/// and invalidated after a 401 only if it is still the cached one. The fetch is given the token it replaces
/// (nil after a 401 or at first), whose refresh token the real profile uses.
actor TokenProvider {
    private let configuration: CXoneConfiguration
    private let clock: any CXoneClock
    private let fetch: @Sendable (AccessToken?) async throws -> TokenResponse
    private var cached: AccessToken?
    private var refreshing: Task<AccessToken, any Error>?
    /// Tokens handed out so far, for redaction.
    private(set) var issued: [String] = []

    /// A provider that gets new tokens from `fetch` (the token endpoint call).
    init(
        configuration: CXoneConfiguration, clock: any CXoneClock,
        fetch: @escaping @Sendable (AccessToken?) async throws -> TokenResponse
    ) {
        self.configuration = configuration
        self.clock = clock
        self.fetch = fetch
    }

    /// A token good for now: the cached one, or a fresh one shared with every concurrent caller.
    func token() async throws -> AccessToken {
        if let cached, clock.now() < cached.refreshAt { return cached }
        if let refreshing { return try await refreshing.value }
        let task = Task { [fetch, clock, configuration, cached] in
            let requestedAt = clock.now()
            let response = try await fetch(cached)
            return response.token(requestedAt: requestedAt, configuration: configuration)
        }
        refreshing = task
        defer { refreshing = nil }
        let token = try await task.value
        keep(token)
        return token
    }

    /// The cached token while it is good, else one from `fetchOnce` (cached), without joining or starting the
    /// shared refresh: a probe bounds its own wait.
    func token(fetchingOnce fetchOnce: @Sendable (AccessToken?) async throws -> TokenResponse) async throws
        -> AccessToken
    {
        if let cached, clock.now() < cached.refreshAt { return cached }
        let requestedAt = clock.now()
        let token = try await fetchOnce(cached).token(requestedAt: requestedAt, configuration: configuration)
        keep(token)
        return token
    }

    private func keep(_ token: AccessToken) {
        cached = token
        issued.append(token.value.exposed)
        if let refresh = token.refreshToken { issued.append(refresh.exposed) }
        if issued.count > 8 { issued.removeFirst() }
    }

    /// Forgets `token` if it is still the cached one (after a 401); a newer token is kept.
    func invalidate(_ token: AccessToken) {
        if cached == token { cached = nil }
    }
}

/// The token endpoint's answer.
struct TokenResponse: Sendable {
    var accessToken: String
    var expiresIn: Int64?
    var refreshToken: String?

    /// The token with its expiry and refresh time. The lifetime counts from when the request was sent,
    /// so network time never makes a token look fresher than it is; a missing lifetime gets the
    /// configured default, and the margin is at most half the lifetime.
    func token(requestedAt: Timestamp, configuration: CXoneConfiguration) -> AccessToken {
        let lifetime = expiresIn.map { Duration.seconds(max($0, 0)) } ?? configuration.defaultTokenLifetime
        let margin = min(configuration.refreshMargin, lifetime / 2)
        return AccessToken(
            value: Secret(accessToken), expiresAt: requestedAt.adding(lifetime),
            refreshAt: requestedAt.adding(lifetime - margin), refreshToken: refreshToken.map(Secret.init),
            tenantID: Self.tenantID(jwt: accessToken))
    }

    /// Reads the JSON body of a token response.
    init(body: [UInt8]) throws(TokenBodyError) {
        guard let value = try? JSONParser.parse(body), case .object(let fields) = value else {
            throw TokenBodyError(reason: "not a JSON object")
        }
        guard let token = fields["access_token"]?.stringValue, !token.isEmpty else {
            throw TokenBodyError(reason: "no access_token")
        }
        accessToken = token
        refreshToken = fields["refresh_token"]?.stringValue
        switch fields["expires_in"] {
        case nil, .null?: expiresIn = nil
        case .int(let seconds)?: expiresIn = seconds
        case .string(let text)?: expiresIn = Int64(text)
        default: throw TokenBodyError(reason: "expires_in is not a number of seconds")
        }
    }

    init(accessToken: String, expiresIn: Int64?) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
    }

    /// The `tenantId` (or `tenant_id`) claim of a JWT's payload; nil when the token is not a JWT or has none.
    static func tenantID(jwt: String) -> String? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), let claims = try? JSONParser.parse(Array(data)) else { return nil }
        return (claims["tenantId"] ?? claims["tenant_id"])?.stringValue
    }
}

/// Why a token response could not be read.
struct TokenBodyError: Error {
    var reason: String
}
