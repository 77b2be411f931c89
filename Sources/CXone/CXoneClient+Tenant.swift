import DialerCore
import Foundation

/// The real profile: the issuer's discovery, the tenant's API endpoint, and a campaign's report from the
/// Reporting API (its skills, then dialer-contacts over the window, each answer kept as received).
extension CXoneClient {
    /// The token endpoint `{issuer}/.well-known/openid-configuration` names.
    static func openIDTokenEndpoint(over transport: CXoneTransport) async throws -> String {
        let template = "/.well-known/openid-configuration"
        let call = CXoneCall(
            endpoint: "OIDC discovery", method: .GET, url: transport.configuration.issuer + template, template: template
        )
        return try await transport.send(call, tokens: nil) { reply throws(MalformedBody) in
            guard let url = try Self.json(reply)["token_endpoint"]?.stringValue, url.hasPrefix("http") else {
                throw MalformedBody(reason: "no token_endpoint URL")
            }
            return url
        }
    }

    /// The tenant's versioned REST base, `{api_endpoint}/inContactAPI/services/v{N}.0`: the tenant id from
    /// the token's payload, its API endpoint from `{issuer}/.well-known/cxone-configuration?tenantId=`.
    func restBase() async throws -> String {
        guard let tenant = try await tokens.token().tenantID else {
            throw CXoneError(
                endpoint: TokenRequest.endpoint, kind: .malformedBody("the access token's payload has no tenantId"),
                attempts: 1, bodyExcerpt: "")
        }
        let transport = transport
        let endpoint = try await discovery.apiEndpoint(tenant: tenant) {
            let template = "/.well-known/cxone-configuration"
            let query = tenant.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? tenant
            let call = CXoneCall(
                endpoint: "API discovery", method: .GET,
                url: transport.configuration.issuer + template + "?tenantId=" + query, template: template)
            return try await transport.send(call, tokens: nil) { reply throws(MalformedBody) in
                guard let url = try Self.json(reply)["api_endpoint"]?.stringValue, url.hasPrefix("http") else {
                    throw MalformedBody(reason: "no api_endpoint URL")
                }
                return url.hasSuffix("/") ? String(url.dropLast()) : url
            }
        }
        return endpoint + "/inContactAPI/services/v\(configuration.apiVersion).0"
    }

    /// The skill ids of `campaignID` (`GET …/campaigns/{id}/skills`), as text; with the path asked.
    func campaignSkills(_ campaignID: String, base: String) async throws -> (skills: [String], path: String) {
        let endpoint = "campaign skills"
        let template = configuration.paths.campaignSkills
        let path = try path(template, campaignID: campaignID, endpoint: endpoint)
        let call = CXoneCall(endpoint: endpoint, method: .GET, url: base + path, template: template)
        let skills = try await transport.send(call, tokens: tokens) { reply throws(MalformedBody) in
            guard case .array(let items)? = try Self.json(reply)["skills"] else {
                throw MalformedBody(reason: "no skills array")
            }
            return try items.map { item throws(MalformedBody) -> String in
                switch item["skillId"] {
                case .int(let id)?: return String(id)
                case .string(let id)? where !id.isEmpty: return id
                default: throw MalformedBody(reason: "a skill has no skillId")
                }
            }
        }
        return (skills, path)
    }

    /// The campaign's page for [start, end): its skills, then `GET …/wfm-data/skills/dialer-contacts` with
    /// UTC instants and `mediaTypeId=4`, in consecutive parts of at most `maxReportHours`; every answer's
    /// body kept as received (an empty one, such as a 204, as `null`) and every path and query asked,
    /// space-separated.
    func dialerContactsReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        let base = try await restBase()
        let (skills, skillsPath) = try await campaignSkills(campaignID, base: base)
        var requests = [skillsPath]
        var responses: [JSONValue] = []
        var status = 200
        let most = max(configuration.maxReportHours, 1) * 3_600_000
        let template = configuration.paths.dialerContacts
        var from = start
        while from < end {
            let to = Timestamp(milliseconds: min(from.milliseconds + most, end.milliseconds))
            let query = "startDate=\(from.rfc3339Seconds)&endDate=\(to.rfc3339Seconds)&mediaTypeId=4"
            let call = CXoneCall(
                endpoint: "dialer contacts", method: .GET, url: base + template + "?" + query, template: template)
            let (answer, code) = try await transport.send(call, tokens: tokens) {
                reply throws(MalformedBody) -> (JSONValue, Int) in
                if reply.status == 204 || reply.body.isEmpty { return (.null, reply.status) }
                let body = try Self.json(reply)
                guard case .object = body else { throw MalformedBody(reason: "expected a JSON object") }
                return (body, reply.status)
            }
            requests.append(template + "?" + query)
            responses.append(answer)
            status = code
            from = to
        }
        return MetricPage(
            campaignID: campaignID, request: requests.joined(separator: " "), status: status, rows: [],
            dialerContacts: DialerContactsPage(
                mapping: DialerContactsMapping.version, skills: skills, responses: responses))
    }
}
