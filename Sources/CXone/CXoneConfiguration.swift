import DialerCore

/// Where and how to reach a CXone tenant: URLs, paths, credentials, timeouts and the retry policy.
public struct CXoneConfiguration: Sendable {
    /// How the client id and secret travel to the token endpoint.
    public enum CredentialPlacement: String, Sendable, CaseIterable {
        /// HTTP Basic authentication (RFC 6749 §2.3.1, what most servers expect).
        case basic
        /// `client_id` and `client_secret` form fields.
        case form
    }

    /// Which CXone contract the client speaks.
    public enum Profile: String, Sendable, CaseIterable {
        /// The seeds' contract: client-credentials token at `tokenURL`, the paths below under `baseURL`.
        case seed
        /// A real tenant: OIDC discovery at `issuer`, the password grant with an access key, the tenant's
        /// API endpoint discovered, and the Reporting API's dialer-contacts.
        case cxone
    }

    /// The contract spoken; `seed` by default.
    public var profile: Profile = .seed
    /// The real profile's OIDC issuer (NICE's global one by default; a government issuer, say).
    public var issuer = Self.defaultIssuer
    /// NICE's global issuer.
    public static let defaultIssuer = "https://cxone.niceincontact.com"
    /// The real profile's REST version: calls go under `{api_endpoint}/inContactAPI/services/v{N}.0/`.
    public var apiVersion = 34
    /// The real profile's API user's access key id, sent as the password grant's `username`.
    public var accessKeyID = ""
    /// Its access key secret, sent as `password`; never logged or shown.
    public var accessKeySecret = Secret("")
    /// The API's base URL, such as `https://api-c32.nice-incontact.com`; no trailing slash needed.
    public var baseURL: String
    /// The token endpoint; nil means `{baseURL}/oauth/token` (the report seed's).
    public var tokenURL: String?
    /// The OAuth2 client id.
    public var clientID: String
    /// The OAuth2 client secret; never logged or shown.
    public var clientSecret: Secret
    /// Scopes asked for, space-separated on the wire.
    public var scopes: [String]
    /// Where the credentials go.
    public var credentialPlacement: CredentialPlacement = .basic
    /// Paths of the typed endpoints; `{campaignId}` is replaced by the percent-encoded campaign id.
    public var paths = Paths()
    /// A token is refreshed this long before it expires.
    public var refreshMargin: Duration = .seconds(60)
    /// Lifetime assumed when a token response has no `expires_in`.
    public var defaultTokenLifetime: Duration = .seconds(300)
    /// Time allowed to open a connection.
    public var connectTimeout: Duration = .seconds(5)
    /// Time allowed for one attempt's response.
    public var requestTimeout: Duration = .seconds(30)
    /// When and how long to wait before trying again.
    public var retry = RetryPolicy()
    /// The longest window one report request asks for (the seed's 31 days; 7 days for the real profile's
    /// dialer-contacts, whose limit is not published); a longer one is fetched in parts.
    public var maxReportHours: Int64 = 31 * 24

    /// A configuration with the required parts; everything else has the defaults above.
    public init(baseURL: String, tokenURL: String? = nil, clientID: String, clientSecret: Secret, scopes: [String]) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
    }

    /// The token endpoint actually used.
    public var resolvedTokenURL: String { tokenURL ?? baseURL + "/oauth/token" }

    /// Paths of the typed endpoints, relative to the base URL (the seeds' paths by default).
    public struct Paths: Sendable {
        /// Hourly campaign report (GET).
        public var campaignReport = "/api/v2/outbound/campaigns/{campaignId}/report"
        /// Schedule submission (POST).
        public var schedules = "/api/v2/outbound/campaigns/{campaignId}/schedules"
        /// Outbound analytics query (POST, paged).
        public var analytics = "/api/v2/analytics/outbound/details/query"
        /// The real profile's campaign skills (GET, under the versioned REST base).
        public var campaignSkills = "/campaigns/{campaignId}/skills"
        /// The real profile's Reporting API dialer-contacts (GET, under the versioned REST base).
        public var dialerContacts = "/wfm-data/skills/dialer-contacts"

        /// The seeds' paths.
        public init() {}
    }
}
