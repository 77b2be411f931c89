import DialerCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The HTTP face of the simulated world: translates requests and answers, serves the `/_sim` control
/// endpoints, and adds the configured delay. Logs method, path and status; never a credential.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let world: LockedWorld
    let slow: Duration
    let slowEndpoints: Set<SimulatedEndpoint>
    let logger: Logger
    let now: @Sendable () -> Timestamp
    /// The largest request body read.
    static let maxBody = 1 << 20

    init(configuration: SimulatorConfiguration, logger: Logger) {
        world = LockedWorld(SimulatedWorld(configuration: configuration))
        slow = .milliseconds(configuration.faults.slowMilliseconds)
        slowEndpoints = configuration.faults.slowEndpoints
        self.logger = logger
        now = configuration.now
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = Array(buffer: try await request.collectBody(upTo: Self.maxBody))
        let path = request.uri.path
        let answer: SimulatedAnswer
        if path.hasPrefix("/_sim/") {
            answer = control(method: request.method.rawValue, path: path, body: body)
        } else {
            let call = SimulatedCall(
                method: request.method.rawValue, host: request.head.authority ?? "127.0.0.1",
                path: path, query: FormBody(request.uri.query ?? "").fields,
                authorization: request.headers[.authorization], idempotencyKey: request.headers[.idempotencyKey],
                body: body)
            let now = now()
            answer = world.withLock { $0.handle(call, now: now) }
            let endpoint = Route(method: call.method, path: path)?.endpoint
            if slow > .zero, slowEndpoints.isEmpty || endpoint.map(slowEndpoints.contains) == true {
                try await Task.sleep(for: slow)
            }
        }
        logger.debug("\(request.method.rawValue) \(path) → \(answer.status)")
        return response(answer)
    }

    /// `POST /_sim/faults` (script a fault), `GET /_sim/requests` (what arrived), `POST /_sim/revoke-tokens`,
    /// `GET /_sim/health`.
    private func control(method: String, path: String, body: [UInt8]) -> SimulatedAnswer {
        switch (method, path) {
        case ("POST", "/_sim/faults"):
            do throws(SimulatorInputError) {
                let fault = try ScriptedFault(json: (try? JSONParser.parse(body)) ?? .null)
                world.withLock { $0.scripted.append(fault) }
                return SimulatedAnswer(status: 204)
            } catch {
                return .error(400, "invalid_request", error)
            }
        case ("GET", "/_sim/requests"):
            return .json(200, .array(world.withLock { $0.requests.map(\.json) }))
        case ("POST", "/_sim/revoke-tokens"):
            world.withLock { $0.revokeAllTokens() }
            return SimulatedAnswer(status: 204)
        case ("GET", "/_sim/health"):
            return .json(200, ["status": "ok"])
        default:
            return .error(404, "not_found", SimulatorInputError("path", "no endpoint \(method) \(path)"))
        }
    }

    private func response(_ answer: SimulatedAnswer) -> Response {
        var headers = HTTPFields()
        if answer.status != 204 { headers[.contentType] = answer.contentType }
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

extension HTTPField.Name {
    /// `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header).
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

/// The simulated world behind one lock, shared by the responder and the simulator's test hooks.
final class LockedWorld: Sendable {
    private let world: Mutex<SimulatedWorld>

    init(_ world: SimulatedWorld) { self.world = Mutex(world) }

    /// Runs `body` with the world, holding the lock.
    func withLock<Result: Sendable>(_ body: (inout SimulatedWorld) -> Result) -> Result {
        world.withLock { body(&$0) }
    }
}
