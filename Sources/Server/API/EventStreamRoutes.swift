import DialerCore
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization

/// `GET /api/v1/events/stream?after=SEQ&type=T&stream=S`: server-sent events of the log's events as they are
/// appended (`id:` the sequence, `event:` the type, `data:` the canonical envelope), from `after` or the
/// `Last-Event-ID` a reconnecting client sends (the later of the two); a comment line opens the stream and
/// another comes every `heartbeat` while nothing is appended. Between reads it waits on the store for appends
/// (of any process on the log); the stream ends when the client goes away or the server shuts down.
struct EventStreamRoutes: Sendable {
    let store: any EventStore
    let followers: EventFollowers
    var heartbeat: Duration = .seconds(15)
    /// Events written per read of the log.
    static let batch = 200

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.get("events/stream") { request, _ in try await open(request) }
    }

    private func open(_ request: Request) async throws -> Response {
        let query = try Query(request)
        var after = try query.seq("after") ?? 0
        if let header = request.headers[.lastEventID] {
            guard let seq = UInt64(header) else {
                throw APIError(field: "Last-Event-ID", reason: "\"\(header)\" is not a sequence number")
            }
            after = max(after, seq)
        }
        let filter = EventQuery(stream: query.string("stream"), type: query.string("type"), afterSeq: after)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { [self] writer in
                try await follow(filter, writer: &writer)
                try await writer.finish(nil)
            })
    }

    private func follow(_ filter: EventQuery, writer: inout any ResponseBodyWriter) async throws {
        let id = followers.join(at: filter.afterSeq)
        defer { followers.leave(id) }
        var query = filter
        try await writer.write(ByteBuffer(string: ": events after seq \(query.afterSeq)\nretry: 2000\n\n"))
        // The heartbeat is due this long after the last write, whatever the filter left out meanwhile.
        var heartbeatDue = ContinuousClock.now + heartbeat
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let head = try await store.withSnapshot { try $0.lastSequence() }
            query.throughSeq = head
            query.limit = Self.batch
            let events = head > query.afterSeq ? try await store.events(query) : []
            var text = ""
            for envelope in events {
                text += "id: \(envelope.seq)\nevent: \(envelope.type)\ndata: "
                text += String(decoding: try envelope.canonicalBytes(), as: UTF8.self) + "\n\n"
            }
            // A full batch may have more behind it; otherwise everything through the head was read.
            query.afterSeq = events.count == Self.batch ? events.last?.seq ?? head : head
            followers.move(id, to: query.afterSeq)
            if !text.isEmpty {
                try await writer.write(ByteBuffer(string: text))
                heartbeatDue = ContinuousClock.now + heartbeat
                if events.count == Self.batch { continue }
            }
            let (seen, due) = (query.afterSeq, heartbeatDue)
            let woken: UInt64?
            do {
                woken = try await cancelWhenGracefulShutdown { [store] in
                    try await firstOf(
                        { try await store.waitForAppends(after: seen) },
                        orTimer: { try await Task.sleep(until: due, clock: .continuous) })
                }
            } catch is CancellationError {
                return  // the client left, or the server is shutting down
            }
            if woken == nil {
                try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                heartbeatDue = ContinuousClock.now + heartbeat
            }
        }
    }
}

/// Where each open event stream has read the log to, for the projector-lag gauge: how far the furthest-behind
/// follower is from the head.
final class EventFollowers: Sendable {
    private let positions = Mutex<(next: Int, seqs: [Int: UInt64])>((0, [:]))

    func join(at seq: UInt64) -> Int {
        positions.withLock { state in
            state.next += 1
            state.seqs[state.next] = seq
            return state.next
        }
    }

    func move(_ id: Int, to seq: UInt64) { positions.withLock { $0.seqs[id] = seq } }

    func leave(_ id: Int) { _ = positions.withLock { $0.seqs.removeValue(forKey: id) } }

    /// The head minus the furthest-behind follower's position (0 with no follower), and how many there are.
    func lag(head: UInt64) -> (events: UInt64, followers: Int) {
        positions.withLock { state in
            guard let behind = state.seqs.values.min() else { return (0, 0) }
            return (head > behind ? head - behind : 0, state.seqs.count)
        }
    }
}

extension HTTPField.Name {
    /// The id of the last event a reconnecting SSE client saw.
    static let lastEventID = Self("Last-Event-ID")!
}
