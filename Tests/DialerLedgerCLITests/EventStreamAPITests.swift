import AsyncHTTPClient
import DialerCore
import DialerTesting
import Foundation
import Testing

/// `GET /api/v1/events/stream` of `dialer-ledger serve`: events appended while a client listens arrive in
/// order, a reconnect resumes after `Last-Event-ID`, and the filters are those of `/api/v1/events`.
@Suite struct EventStreamAPITests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// One server-sent event, or a comment (`id` nil, `comment` set).
    struct Message: Equatable {
        var id: UInt64?
        var event: String?
        var data: String?
        var comment: String?
    }

    /// Reads `url`'s event stream until `until` says enough, and returns the messages read; opens `opened`
    /// once the server's first line (a comment saying where the stream starts) has arrived.
    static func read(
        _ url: String, lastEventID: String? = nil, opened: Gate? = nil, until: ([Message]) -> Bool
    ) async throws -> (status: UInt, contentType: String?, messages: [Message]) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(ServedAPI.reader)")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        var messages: [Message] = []
        var pending = ""
        guard response.status == .ok else { return (response.status.code, nil, []) }
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                var message = Message()
                for line in pending[..<end.lowerBound].split(separator: "\n") {
                    if line.hasPrefix(":") { message.comment = String(line.dropFirst().drop { $0 == " " }) }
                    if line.hasPrefix("id: ") { message.id = UInt64(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { message.event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { message.data = String(line.dropFirst(6)) }
                }
                messages.append(message)
                opened?.open()
                pending.removeSubrange(..<end.upperBound)
            }
            if until(messages) { break }
        }
        return (response.status.code, response.headers.first(name: "Content-Type"), messages)
    }

    @Test func streamsAppendedEventsInOrderAndResumes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let api = try await ServedAPI(tool: tool, folder: folder)
        defer { api.killIfRunning() }
        let url = api.root + "/api/v1/events/stream"
        let body =
            #"{"campaign_ids":["CAMPAIGN_001"],"start_date":"2026-11-29T00:00:00Z","end_date":"2026-11-30T00:00:00Z"}"#
        // Listening from an empty log; the ad-hoc run appends once the stream is open.
        let listening = Gate()
        async let live = Self.read(url, opened: listening) { $0.contains { $0.event == ReportEvent.generated } }
        #expect(try await eventually { listening.isOpen })
        let run = try await api.post("/api/v1/reports/dialer", body, key: ServedAPI.runner)
        #expect(run.status == 200, "\(run.body)")
        let streamed = try await live
        #expect(streamed.status == 200 && streamed.contentType == "text/event-stream")
        #expect(streamed.messages.first?.comment == "events after seq 0", "opened with a comment line")
        let events = streamed.messages.filter { $0.id != nil }
        guard
            case .array(let logged)? = try await api.get("/api/v1/events?limit=1000", key: ServedAPI.reader)
                .json["events"]
        else {
            Issue.record("no events")
            return
        }
        #expect(events.map(\.id) == logged.map { $0["seq"]?.intValue.map(UInt64.init) })
        #expect(events.map(\.event) == logged.map { $0["type"]?.stringValue })
        #expect(
            events.compactMap { $0.data.map { try? JSONParser.parse(Array($0.utf8)) } } == logged,
            "data is the canonical envelope")

        // A reconnect after seq 10, only derived hours: the rest of them, in order.
        let derived = logged.filter { $0["type"]?.stringValue == "IntervalDerived" && ($0["seq"]?.intValue ?? 0) > 10 }
        let resumed = try await Self.read(url + "?type=IntervalDerived", lastEventID: "10") {
            $0.filter { $0.id != nil }.count == derived.count
        }
        #expect(resumed.messages.compactMap(\.id) == derived.compactMap { $0["seq"]?.intValue.map(UInt64.init) })
        let after = try await Self.read(url + "?after=\(logged.count - 1)") { $0.contains { $0.id != nil } }
        #expect(after.messages.compactMap(\.id) == [UInt64(logged.count)])
        #expect(try await api.get("/api/v1/events/stream?after=x", key: ServedAPI.reader).json["field"] == "after")
        #expect(try await api.get("/api/v1/events/stream").status == 401)

        // An open stream does not hold up a graceful shutdown.
        let streaming = Gate()
        async let open = Self.read(url + "?type=Nothing", opened: streaming) { _ in false }
        #expect(try await eventually { streaming.isOpen })
        #expect(try await api.stop() == 0)
        _ = try? await open
    }
}
