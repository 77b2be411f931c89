import DialerCore
import Foundation
import NIOHTTP1

/// The OAuth2 token requests, credentials as Basic auth or form fields: client credentials (RFC 6749 §4.4,
/// the seed profile), and the real profile's password grant with an access key (§4.3) and refresh (§6).
enum TokenRequest {
    static let endpoint = "token endpoint"

    /// The client-credentials call for `configuration`.
    static func call(_ configuration: CXoneConfiguration) -> CXoneCall {
        var fields = [("grant_type", "client_credentials")]
        if !configuration.scopes.isEmpty { fields.append(("scope", configuration.scopes.joined(separator: " "))) }
        return call(configuration, url: configuration.resolvedTokenURL, fields: fields)
    }

    /// The password grant at `url`: the access key id and secret as `username` and `password`.
    static func password(_ configuration: CXoneConfiguration, url: String) -> CXoneCall {
        call(
            configuration, url: url,
            fields: [
                ("grant_type", "password"), ("username", configuration.accessKeyID),
                ("password", configuration.accessKeySecret.exposed),
            ])
    }

    /// The refresh grant at `url`.
    static func refresh(_ configuration: CXoneConfiguration, url: String, token: Secret) -> CXoneCall {
        call(configuration, url: url, fields: [("grant_type", "refresh_token"), ("refresh_token", token.exposed)])
    }

    /// A form-encoded token request of `fields` at `url`, with the client's credentials.
    private static func call(_ configuration: CXoneConfiguration, url: String, fields: [(String, String)]) -> CXoneCall
    {
        var fields = fields
        var call = CXoneCall(
            endpoint: endpoint, method: .POST, url: url, template: URLComponents(string: url)?.path ?? endpoint)
        call.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        switch configuration.credentialPlacement {
        case .basic:
            // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
            let pair = formEncoded(configuration.clientID) + ":" + formEncoded(configuration.clientSecret.exposed)
            call.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        case .form:
            fields.append(("client_id", configuration.clientID))
            fields.append(("client_secret", configuration.clientSecret.exposed))
        }
        call.body = Array(fields.map { formEncoded($0.0) + "=" + formEncoded($0.1) }.joined(separator: "&").utf8)
        call.repeatable = true
        return call
    }

    /// `application/x-www-form-urlencoded` encoding of one name or value.
    static func formEncoded(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? text)
            .replacingOccurrences(of: "%20", with: "+")
    }
}
