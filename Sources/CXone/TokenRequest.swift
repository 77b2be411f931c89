import Foundation
import NIOHTTP1

/// The OAuth2 client-credentials token request (RFC 6749 §4.4), credentials as Basic auth or form fields.
enum TokenRequest {
    static let endpoint = "token endpoint"

    /// The call for `configuration`.
    static func call(_ configuration: CXoneConfiguration) -> CXoneCall {
        var fields = [("grant_type", "client_credentials")]
        if !configuration.scopes.isEmpty { fields.append(("scope", configuration.scopes.joined(separator: " "))) }
        let url = configuration.resolvedTokenURL
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
