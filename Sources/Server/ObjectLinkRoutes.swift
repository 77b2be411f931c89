import Delivery
import DialerCore
import Foundation
import Hummingbird

/// `GET /objects/KEY?expires=…&signature=…`: serves an object of the local store to whoever holds a sound,
/// unexpired link, typed by its extension (a report page with a Content-Security-Policy that loads nothing); 403 with the reason for an expired or altered link, 404 when the object is gone.
struct ObjectLinkRoutes: Sendable {
    let objects: LocalObjectStore
    let now: @Sendable () -> Timestamp

    func add(to router: Router<BasicRequestContext>) {
        router.get("objects/**") { request, _ in try serve(request) }
        router.head("objects/**") { request, _ in
            var response = try serve(request)
            response.body = ResponseBody()
            return response
        }
    }

    /// The Content-Security-Policy of a served page: nothing loads (no script, font, frame or fetch) but its
    /// inline style and `data:` images, so a report page cannot reach the network even if a value in it did.
    static let pagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    private func serve(_ request: Request) throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(LocalObjectStore.linkPrefix),
            let key = String(path.dropFirst(LocalObjectStore.linkPrefix.count)).removingPercentEncoding
        else {
            return ErrorBody.response(.badRequest, error: "bad_request", reason: "not an object path")
        }
        let query = request.uri.queryParameters
        switch objects.check(
            key: key, expires: query["expires"].map(String.init), signature: query["signature"].map(String.init),
            now: now())
        {
        case .refused(let reason): return ErrorBody.response(.forbidden, error: "forbidden", reason: reason)
        case .expired(let instant):
            return ErrorBody.response(.forbidden, error: "expired", reason: "the link expired at \(instant.rfc3339)")
        case .granted:
            guard let bytes = try? objects.read(key: key) else {
                return ErrorBody.response(.notFound, error: "not_found", reason: "no object at this key")
            }
            var headers = HTTPFields()
            let contentType = LocalObjectStore.contentType(of: key)
            headers[.contentType] = contentType
            if contentType.hasPrefix("text/html") { headers[.contentSecurityPolicy] = Self.pagePolicy }
            headers[.xContentTypeOptions] = "nosniff"
            headers[.cacheControl] = "private, no-store"
            headers[.eTag] = "\"\(LocalObjectStore.describe(bytes, contentType: "").eTag)\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}

/// The JSON error body every route answers with: `{error, reason}` (and `field` where one is to blame).
enum ErrorBody {
    static func response(_ status: HTTPResponse.Status, error: String, reason: String, field: String? = nil)
        -> Response
    {
        var fields: [String: JSONValue] = ["error": .string(error), "reason": .string(reason)]
        if let field { fields["field"] = .string(field) }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(
                byteBuffer: ByteBuffer(bytes: ((try? CanonicalJSON(.object(fields)).bytes) ?? []) + [0x0A])))
    }
}
