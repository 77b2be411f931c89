import DialerCore
import Foundation

extension SimulatedWorld {
    /// The OAuth2 client-credentials grant (RFC 6749 §4.4): credentials by HTTP Basic or form fields,
    /// never both; `{access_token, token_type, expires_in, scope}`.
    mutating func issueToken(_ call: SimulatedCall, now: Timestamp) -> SimulatedAnswer {
        let form = FormBody(call.body)
        let basic = call.authorization.flatMap(Self.basicCredentials)
        let formCredentials = form["client_id"].map { ($0, form["client_secret"] ?? "") }
        if basic != nil, formCredentials != nil {
            return .error(
                400, "invalid_request",
                SimulatorInputError("client_secret", "send the credentials by HTTP Basic or in the form, not both"))
        }
        guard let (id, secret) = basic ?? formCredentials,
            id == configuration.clientID, secret == configuration.clientSecret
        else { return Self.invalidClient }
        switch form["grant_type"] {
        case "client_credentials"?: break
        case nil:
            return .error(400, "invalid_request", SimulatorInputError("grant_type", "is required"))
        case let other?:
            return .error(
                400, "unsupported_grant_type",
                SimulatorInputError("grant_type", "\"\(other)\" is not supported; use client_credentials"))
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &tokenRandom) }
        let token =
            "sim."
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        tokens[token] = Timestamp(milliseconds: now.milliseconds + Int64(configuration.tokenLifetimeSeconds) * 1000)
        var body: [String: JSONValue] = [
            "access_token": .string(token), "token_type": "bearer",
            "scope": .string(form["scope"] ?? "outbound:campaign:write outbound:contact:read analytics:read"),
        ]
        if configuration.includeExpiresIn { body["expires_in"] = .int(Int64(configuration.tokenLifetimeSeconds)) }
        var answer = SimulatedAnswer.json(200, .object(body))
        answer.headers.append(("Cache-Control", "no-store"))
        return answer
    }

    /// 401 `invalid_client` with a Basic challenge: unknown client credentials.
    static var invalidClient: SimulatedAnswer {
        var answer = SimulatedAnswer.error(401, "invalid_client")
        answer.headers.append(("WWW-Authenticate", #"Basic realm="cxone-simulator""#))
        return answer
    }

    /// The id and secret of an HTTP Basic header, each form-decoded as RFC 6749 §2.3.1 asks.
    static func basicCredentials(_ header: String) -> (String, String)? {
        guard header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingSpaces),
            let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (FormBody.decode(text[..<colon]), FormBody.decode(text[text.index(after: colon)...]))
    }
}
