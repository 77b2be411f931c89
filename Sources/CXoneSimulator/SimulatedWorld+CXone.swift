import DialerCore
import Foundation

/// The real profile: one listener is both the issuer (OIDC discovery, `/auth/token`) and the API host
/// (`/.well-known/cxone-configuration` pointing back at itself, campaign skills, dialer-contacts).
extension SimulatedWorld {
    /// The longest window one dialer-contacts request may ask for.
    static let maxDialerContactsHours: Int64 = 7 * 24

    /// The discovery documents (no token needed), or nil for another endpoint.
    func discovery(_ route: Route, _ call: SimulatedCall) -> SimulatedAnswer? {
        let base = "http://\(call.host)"
        switch route {
        case .openIDConfiguration:
            return .json(
                200,
                [
                    "issuer": .string(base), "token_endpoint": .string(base + "/auth/token"),
                    "authorization_endpoint": .string(base + "/auth/authorize"),
                    "grant_types_supported": ["password", "refresh_token", "authorization_code"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                ])
        case .cxoneConfiguration:
            guard call.query["tenantId"] == configuration.tenantID else {
                return .error(404, "not_found", SimulatorInputError("tenantId", "no such tenant"))
            }
            return .json(
                200,
                [
                    "tenantId": .string(configuration.tenantID), "area": "sim1", "cluster": "SIM1",
                    "api_endpoint": .string(base), "ui_endpoint": .string(base), "auth_endpoint": .string(base),
                ])
        default:
            return nil
        }
    }

    /// The token endpoint of a real tenant: the application's client id and secret by HTTP Basic; the
    /// password grant with an access key id and secret as `username` and `password`, or the refresh grant;
    /// `client_credentials` refused with `unsupported_grant_type`. Answers a JWT whose payload carries the
    /// tenant id, a refresh token and `expires_in`.
    mutating func issueCXoneToken(_ call: SimulatedCall, now: Timestamp) -> SimulatedAnswer {
        let form = FormBody(call.body)
        guard let (id, secret) = call.authorization.flatMap(Self.basicCredentials),
            id == configuration.clientID, secret == configuration.clientSecret
        else { return Self.invalidClient }
        switch form["grant_type"] {
        case "password"?:
            guard form["username"] == configuration.accessKeyID, form["password"] == configuration.accessKeySecret
            else { return .error(400, "invalid_grant", SimulatorInputError("username", "unknown access key")) }
        case "refresh_token"?:
            guard let refresh = form["refresh_token"], refreshTokens.remove(refresh) != nil else {
                return .error(400, "invalid_grant", SimulatorInputError("refresh_token", "unknown or used"))
            }
        case nil:
            return .error(400, "invalid_request", SimulatorInputError("grant_type", "is required"))
        case let other?:
            return .error(
                400, "unsupported_grant_type",
                SimulatorInputError("grant_type", "\"\(other)\" is not supported; use password or refresh_token"))
        }
        let lifetime = Int64(configuration.tokenLifetimeSeconds)
        let claims: JSONValue = [
            "iss": .string("http://\(call.host)"), "sub": "user:simulated-api-user",
            "tenantId": .string(configuration.tenantID), "iat": .int(now.milliseconds / 1000),
            "exp": .int(now.milliseconds / 1000 + lifetime), "jti": .string(randomText(12)),
        ]
        let header = Self.base64URL(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL((try? CanonicalJSON(claims).bytes) ?? [])
        let token = header + "." + payload + "." + randomText(32)
        let refresh = "simr." + randomText(24)
        tokens[token] = Timestamp(milliseconds: now.milliseconds + lifetime * 1000)
        refreshTokens.insert(refresh)
        var body: [String: JSONValue] = [
            "access_token": .string(token), "token_type": "Bearer", "refresh_token": .string(refresh),
            "id_token": .string(token), "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        ]
        if configuration.includeExpiresIn { body["expires_in"] = .int(lifetime) }
        var answer = SimulatedAnswer.json(200, .object(body))
        answer.headers.append(("Cache-Control", "no-store"))
        return answer
    }

    /// `GET …/campaigns/{id}/skills`: the campaign's two Personal Connection skills.
    mutating func campaignSkills(_ campaignID: String) -> SimulatedAnswer {
        campaignsAsked.insert(campaignID)
        let skills = Self.skills(of: campaignID).enumerated().map { index, skill -> JSONValue in
            ["skillId": .int(skill), "skillName": .string("\(campaignID) PC \(index + 1)"), "mediaType": 4]
        }
        return .json(
            200, ["businessUnitId": 4_600_001, "totalRecords": .int(Int64(skills.count)), "skills": .array(skills)])
    }

    /// `GET …/wfm-data/skills/dialer-contacts?startDate&endDate&mediaTypeId=4`: 15-minute intervals of every
    /// skill of the business unit (the configured campaigns' and those asked about), empty ones left out,
    /// under the configured key. An hour of a campaign sums to the seed profile's hourly row of it.
    func dialerContacts(query: [String: String]) -> SimulatedAnswer {
        do throws(SimulatorInputError) {
            let start = try Self.instant(query, "startDate")
            let end = try Self.instant(query, "endDate")
            guard end > start else { throw SimulatorInputError("endDate", "must be after startDate") }
            guard query["mediaTypeId"] == "4" else {
                throw SimulatorInputError("mediaTypeId", "must be 4 (Personal Connection)")
            }
            guard end.milliseconds - start.milliseconds <= Self.maxDialerContactsHours * 3_600_000 else {
                throw SimulatorInputError(
                    "endDate", "the window may span at most \(Self.maxDialerContactsHours) hours")
            }
            let campaigns = (configuration.campaigns ?? []).union(campaignsAsked).sorted()
            var rows: [JSONValue] = []
            for campaign in campaigns {
                let report = SimulatedReport(seed: configuration.seed, campaignID: campaign)
                for hourly in report.rows(from: start, to: end) {
                    rows += Self.quarters(of: hourly, skills: Self.skills(of: campaign))
                }
            }
            rows.sort { ($0["intervalStartDate"]?.stringValue ?? "") < ($1["intervalStartDate"]?.stringValue ?? "") }
            return .json(200, [configuration.rowsKey: .array(rows)])
        } catch {
            return .error(400, "invalid_request", error)
        }
    }

    /// A campaign's skill ids: two, fixed by its id.
    static func skills(of campaignID: String) -> [Int64] {
        let base = Int64(10_000 + SplitMix64.hash(campaignID) % 80_000) * 2
        return [base, base + 1]
    }

    /// The 15-minute rows of one hourly seed row split over `skills`: whole counts dealt round-robin over
    /// the eight skill-quarters, so they sum back exactly; a skill-quarter with nothing is left out.
    static func quarters(of hourly: JSONValue, skills: [Int64]) -> [JSONValue] {
        guard let date = hourly["date"]?.stringValue, let hour = try? Timestamp(rfc3339: date) else { return [] }
        let slots = skills.count * 4
        func dealt(_ key: String) -> [Int64] {
            let total = hourly[key]?.intValue ?? 0
            guard total >= 0 else { return [total] + Array(repeating: 0, count: slots - 1) }
            return (0..<slots).map { total / Int64(slots) + (Int64($0) < total % Int64(slots) ? 1 : 0) }
        }
        let dials = dealt("calls_attempted")
        let connects = dealt("calls_connected")
        let abandons = dealt("abandoned")
        let handle = hourly["avg_talk_time"]?.doubleValue ?? 0
        return (0..<slots).compactMap { slot in
            guard dials[slot] != 0 || connects[slot] != 0 || abandons[slot] != 0 else { return nil }
            let start = Timestamp(milliseconds: hour.milliseconds + Int64(slot % 4) * 900_000)
            return [
                "businessUnitId": 4_600_001, "businessUnitName": "Simulated BU", "skillId": .int(skills[slot / 4]),
                "skillName": "PC", "mediaTypeId": 4, "mediaTypeName": "Phone Call",
                "intervalStartDate": .string(start.rfc3339), "dials": .int(dials[slot]),
                "connects": .int(connects[slot]), "connectsAHT": .number(connects[slot] == 0 ? 0 : handle),
                "rightPartyConnects": .int(connects[slot] * 4 / 5), "rightPartyConnectsAHT": .number(handle),
                "abandons": .int(abandons[slot]),
            ]
        }
    }

    /// Unpredictable base64url text of `count` random bytes.
    private mutating func randomText(_ count: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &tokenRandom) }
        return Self.base64URL(bytes)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
