import DialerCore
import Foundation
import HTTPTypes
import Hummingbird

/// A request mistake: the query or body field to blame and why (answered 400 `{error, field, reason}`).
struct APIError: Error {
    var field: String
    var reason: String
    var status: HTTPResponse.Status = .badRequest
}

/// Turns errors into JSON answers: `APIError` with its own status, and every module's error by its category.
/// The one place that maps an `ErrorCategory` to an HTTP status.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            let label =
                switch error.status.code {
                case 400: "invalid_request"
                case 413: "too_large"
                case 422: "unprocessable"
                default: "internal"
                }
            var response = ErrorBody.response(error.status, error: label, reason: error.reason, field: error.field)
            // The rest of a refused body is not worth reading: the connection ends after the answer.
            if error.status == .contentTooLarge { response.headers[.connection] = "close" }
            return response
        } catch let error as any CategorizedError {
            return Self.response(error)
        }
    }

    /// The answer to `error`: 422 naming the field, 404, 409, 500 for a damaged log (the body says where), or
    /// 503 when a service the work needs could not do it.
    static func response(_ error: any CategorizedError) -> Response {
        switch error.category {
        case .invalid(let field):
            let reason = (error as? DialerCoreError).flatMap {
                if case .invalidField(_, let reason) = $0 { reason } else { nil }
            }
            return ErrorBody.response(
                .unprocessableContent, error: "unprocessable", reason: reason ?? error.description, field: field)
        case .notFound: return ErrorBody.response(.notFound, error: "not_found", reason: error.description)
        case .conflict: return ErrorBody.response(.conflict, error: "conflict", reason: error.description)
        case .corrupt: return ErrorBody.response(.internalServerError, error: "corrupt", reason: error.description)
        case .unavailable:
            return ErrorBody.response(.serviceUnavailable, error: "unavailable", reason: error.description)
        }
    }
}

/// The query string, read with errors that name the parameter.
struct Query {
    let values: [String: String]

    init(_ request: Request) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { values[String(name)] = String(value) }
        self.values = values
    }

    func string(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    func seq(_ name: String) throws -> UInt64? {
        guard let text = string(name) else { return nil }
        guard let value = UInt64(text) else {
            throw APIError(field: name, reason: "\"\(text)\" is not a sequence number")
        }
        return value
    }

    /// `limit`, 1 to 1000, 100 by default.
    func limit() throws -> Int {
        guard let text = string("limit") else { return 100 }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw APIError(field: "limit", reason: "must be a whole number from 1 to 1000")
        }
        return value
    }

    func instant(_ name: String) throws -> Timestamp? {
        try string(name).map { try APIError.instant($0, field: name) }
    }
}

/// JSON answers: canonical bytes and a final newline.
enum JSONResponse {
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var response = bytes(((try? CanonicalJSON(value).bytes) ?? []) + [0x0A])
        response.status = status
        return response
    }

    static func bytes(_ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension HTTPField.Name {
    /// The cursor of the next page of a CSV answer (JSON answers carry it as `next_after`).
    static let nextAfter = Self("X-Next-After")!
}

extension APIError {
    /// `text` as an RFC 3339 instant with every number in range (the commands' grammar, without their bare
    /// dates): 400 naming `field` and the reason otherwise, never a moved date.
    static func instant(_ text: String, field: String) throws -> Timestamp {
        guard text.utf8.count > 10 else {
            throw APIError(field: field, reason: "\"\(text)\" is not an RFC 3339 instant")
        }
        do {
            return try Timestamp(parsing: text, in: .gmt, field: field)
        } catch DialerCoreError.invalidField(_, let reason) {
            throw APIError(field: field, reason: reason)
        }
    }
}
