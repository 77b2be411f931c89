import Foundation

/// Where a request goes: the seeds' paths (the token endpoint at both of the seeds' addresses) and the real
/// profile's (discovery, `/auth/token`, and the REST calls under `/inContactAPI/services/v{N}.0/`).
enum Route: Sendable, Equatable {
    case token
    case report(campaignID: String)
    case schedules(campaignID: String)
    case analytics
    case openIDConfiguration
    case cxoneConfiguration
    case skills(campaignID: String)
    case dialerContacts

    /// The route of `method` and `path`, or nil for an unknown endpoint.
    init?(method: String, path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let campaign = parts.count == 6 && parts[..<4] == ["api", "v2", "outbound", "campaigns"]
        // The real profile's REST calls live under /inContactAPI/services/v{N}.0/.
        let api =
            parts.count > 3 && parts[0] == "inContactAPI" && parts[1] == "services" && parts[2].hasPrefix("v")
                && parts[2].hasSuffix(".0") ? Array(parts.dropFirst(3)) : nil
        switch (method, parts) {
        case ("GET", [".well-known", "openid-configuration"]):
            self = .openIDConfiguration
        case ("GET", [".well-known", "cxone-configuration"]):
            self = .cxoneConfiguration
        case ("GET", _) where api?.count == 3 && api?[0] == "campaigns" && api?[2] == "skills":
            guard let id = api?[1].removingPercentEncoding, !id.isEmpty else { return nil }
            self = .skills(campaignID: id)
        case ("GET", _) where api == ["wfm-data", "skills", "dialer-contacts"]:
            self = .dialerContacts
        case ("POST", ["oauth", "token"]), ("POST", ["api", "v2", "oauth", "token"]), ("POST", ["auth", "token"]):
            self = .token
        case ("POST", ["api", "v2", "analytics", "outbound", "details", "query"]):
            self = .analytics
        case ("GET", _) where campaign && parts[5] == "report":
            guard let id = parts[4].removingPercentEncoding, !id.isEmpty else { return nil }
            self = .report(campaignID: id)
        case ("POST", _) where campaign && parts[5] == "schedules":
            guard let id = parts[4].removingPercentEncoding, !id.isEmpty else { return nil }
            self = .schedules(campaignID: id)
        default:
            return nil
        }
    }

    /// The campaign in the path, for the campaign endpoints.
    var campaignID: String? {
        switch self {
        case .report(let id), .schedules(let id), .skills(let id): id
        case .token, .analytics, .openIDConfiguration, .cxoneConfiguration, .dialerContacts: nil
        }
    }

    /// The endpoint it reaches.
    var endpoint: SimulatedEndpoint {
        switch self {
        case .token: .token
        case .report: .report
        case .schedules: .schedules
        case .analytics: .analytics
        case .openIDConfiguration, .cxoneConfiguration: .discovery
        case .skills: .skills
        case .dialerContacts: .dialerContacts
        }
    }
}

/// An `application/x-www-form-urlencoded` body or query, decoded (`+` is a space).
struct FormBody: Sendable {
    private(set) var fields: [String: String] = [:]

    /// The fields of `bytes`; the first of a repeated name wins.
    init(_ bytes: [UInt8]) { self.init(String(decoding: bytes, as: UTF8.self)) }

    /// The fields of `text`.
    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
        }
    }

    subscript(name: String) -> String? { fields[name] }

    /// Decodes one form component: `+` → space, then percent escapes (invalid escapes are kept as is).
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
