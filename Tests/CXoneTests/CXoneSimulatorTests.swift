import AsyncHTTPClient
import DialerCore
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CXoneSimulator

/// The simulated world's answers, checked without HTTP.
@Suite struct SimulatedWorldTests {
    private let now = Timestamp(milliseconds: 1_796_000_000_000)

    private func world(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) -> SimulatedWorld {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        var world = SimulatedWorld(configuration: configuration)
        world.tokens["t"] = Timestamp(milliseconds: now.milliseconds + 3_600_000)
        return world
    }

    private func call(_ method: String, _ path: String, query: String = "", body: String = "", key: String? = nil)
        -> SimulatedCall
    {
        SimulatedCall(
            method: method, path: path, query: FormBody(query).fields, authorization: "Bearer t", idempotencyKey: key,
            body: Array(body.utf8))
    }

    private func json(_ answer: SimulatedAnswer) throws -> JSONValue { try JSONParser.parse(answer.body) }

    @Test func reportRowsArePureFunctionsOfTheSeedWithGapsQuietHoursAndBadCounts() throws {
        let start = Timestamp(milliseconds: 1_793_491_200_000)  // 2026-11-01T00:00:00Z
        let end = start.adding(hours: 744)
        let rows = SimulatedReport(seed: 1, campaignID: "C1").rows(from: start, to: end)
        #expect(rows == SimulatedReport(seed: 1, campaignID: "C1").rows(from: start, to: end))
        #expect(rows != SimulatedReport(seed: 2, campaignID: "C1").rows(from: start, to: end))
        #expect(rows != SimulatedReport(seed: 1, campaignID: "C2").rows(from: start, to: end))
        #expect(rows.count < 744 && rows.count > 300, "some hours are missing")
        #expect(rows.contains { ($0["abandoned"]?.intValue ?? 0) < 0 }, "now and then a negative count")
        #expect(rows.contains { ($0["calls_attempted"]?.intValue ?? 99) < 20 }, "quiet hours under the minimum")
        let dates = rows.compactMap { $0["date"]?.stringValue }
        #expect(dates == dates.sorted() && Set(dates).count == rows.count)
        #expect(dates.allSatisfy { $0.hasSuffix(":00:00Z") })
        for row in rows {
            guard case .object(let fields) = row else { continue }
            #expect(Set(fields.keys) == ["date", "calls_attempted", "calls_connected", "abandoned", "avg_talk_time"])
        }
    }

    @Test func aBadReportRequestNamesTheParameter() throws {
        var world = world()
        let path = "/api/v2/outbound/campaigns/C1/report"
        let cases: [(String, String)] = [
            ("end_date=2026-11-02T00:00:00Z&interval=HOURLY", "start_date"),
            ("start_date=2026-11-01T00:00:00Z&end_date=2026-11-02&interval=HOURLY", "end_date"),
            ("start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z&interval=HOURLY", "end_date"),
            ("start_date=2026-11-01T00:00:00Z&end_date=2026-11-02T00:00:00Z&interval=DAILY", "interval"),
            ("start_date=2026-10-01T00:00:00Z&end_date=2026-11-02T00:00:00Z&interval=HOURLY", "end_date"),
        ]
        for (query, field) in cases {
            let answer = world.handle(call("GET", path, query: query), now: now)
            #expect(answer.status == 400)
            #expect(try json(answer)["field"]?.stringValue == field, "\(query)")
        }
    }

    @Test func theTokenEndpointFollowsTheClientCredentialsGrant() throws {
        var world = world { $0.includeExpiresIn = false }
        func token(_ body: String, basic: Bool) -> SimulatedAnswer {
            let header = "Basic " + Data("dialer-ledger:simulator-secret".utf8).base64EncodedString()
            return world.handle(
                SimulatedCall(
                    method: "POST", path: "/api/v2/oauth/token", authorization: basic ? header : nil,
                    body: Array(body.utf8)), now: now)
        }
        let issued = token("grant_type=client_credentials", basic: true)
        #expect(issued.status == 200)
        #expect(try json(issued)["expires_in"] == nil)
        #expect(try json(issued)["token_type"]?.stringValue == "bearer")
        let form = "grant_type=client_credentials&client_id=dialer-ledger&client_secret=simulator-secret"
        #expect(token(form, basic: false).status == 200)
        #expect(try json(token(form, basic: true))["error"]?.stringValue == "invalid_request", "both ways at once")
        #expect(try json(token("grant_type=password", basic: true))["error"]?.stringValue == "unsupported_grant_type")
        #expect(try json(token("", basic: true))["field"]?.stringValue == "grant_type")
        let wrong = token("grant_type=client_credentials&client_id=dialer-ledger&client_secret=nope", basic: false)
        #expect(wrong.status == 401)
        #expect(!String(decoding: wrong.body, as: UTF8.self).contains("simulator-secret"))
        #expect(world.requests.map(\.authorization) == [.basic, .form, .basic, .basic, .basic, .form])
    }

    @Test func aTruncatedAnswerStillTookEffectAndTheKeyReturnsTheSameSchedule() throws {
        var world = world { $0.faults.truncatedJSON = 1 }
        let body = #"{"startTime":"2026-12-24T14:00:00Z","timezone":"Europe/Paris","contactCount":7}"#
        let path = "/api/v2/outbound/campaigns/C1/schedules"
        let first = world.handle(call("POST", path, body: body, key: "k1"), now: now)
        #expect(first.status == 201)
        #expect(throws: (any Error).self) { try JSONParser.parse(first.body) }
        let again = world.handle(call("POST", path, body: body, key: "k1"), now: now)
        #expect(again.scheduleID == first.scheduleID)
        #expect(world.schedulesByCampaign["C1"]?.count == 1)
        let other = world.handle(
            call("POST", path, body: body.replacingOccurrences(of: "7", with: "8"), key: "k1"), now: now)
        #expect(other.status == 422)
        #expect(world.campaignSize("C1") == 7)
    }

    @Test func scheduleBodiesAreCheckedFieldByField() throws {
        var world = world()
        let path = "/api/v2/outbound/campaigns/C1/schedules"
        let cases: [(String, String)] = [
            (#"{"startTime":"2020-01-01T00:00:00Z","timezone":"UTC"}"#, "startTime"),
            (#"{"startTime":"tomorrow","timezone":"UTC"}"#, "startTime"),
            (#"{"startTime":"2026-12-24T14:00:00Z","endTime":"2026-12-24T13:00:00Z","timezone":"UTC"}"#, "endTime"),
            (#"{"startTime":"2026-12-24T14:00:00Z","timezone":"Mars/Olympus"}"#, "timezone"),
            (#"{"startTime":"2026-12-24T14:00:00Z","timezone":"UTC","campaignId":"C2"}"#, "campaignId"),
            (#"{"startTime":"2026-12-24T14:00:00Z","timezone":"UTC","scheduleType":"DAILY"}"#, "scheduleType"),
            (#"{"startTime":"2026-12-24T14:00:00Z","timezone":"UTC","contactCount":-1}"#, "contactCount"),
        ]
        for (body, field) in cases {
            let answer = world.handle(call("POST", path, body: body), now: now)
            #expect(answer.status == 422)
            #expect(try json(answer)["field"]?.stringValue == field, "\(body)")
        }
        #expect(world.schedulesByCampaign.isEmpty)
    }

    @Test func randomFaultsRepeatWithTheSeedAndSpareTheTokenEndpoint() throws {
        func statuses(seed: UInt64) -> [Int] {
            var world = world {
                $0.seed = seed
                $0.faults.tooManyRequests = 0.3
                $0.faults.serverErrors = 0.2
            }
            let query = "start_date=2026-11-01T00:00:00Z&end_date=2026-11-01T03:00:00Z&interval=HOURLY"
            return (0..<60).map { _ in
                world.handle(call("GET", "/api/v2/outbound/campaigns/C1/report", query: query), now: now).status
            }
        }
        let first = statuses(seed: 7)
        #expect(first == statuses(seed: 7))
        #expect(first != statuses(seed: 8))
        #expect(Set(first) == [200, 429, 500])
        var limiting = world { $0.faults.tooManyRequests = 1 }
        let token = limiting.handle(
            SimulatedCall(
                method: "POST", path: "/oauth/token",
                body: Array("grant_type=client_credentials&client_id=dialer-ledger&client_secret=simulator-secret".utf8)
            ),
            now: now)
        #expect(token.status == 200)
        let limited = limiting.handle(call("POST", "/api/v2/analytics/outbound/details/query", body: "{}"), now: now)
        #expect(limited.status == 429)
        #expect(limited.headers.contains { $0.0 == "Retry-After" && $0.1 == "1" })
    }

    @Test func anExpiredTokenIsRefused() {
        var world = world()
        let later = Timestamp(milliseconds: now.milliseconds + 3_600_001)
        let answer = world.handle(call("GET", "/api/v2/outbound/campaigns/C1/report"), now: later)
        #expect(answer.status == 401)
        #expect(world.handle(call("GET", "/nowhere"), now: now).status == 404)
    }

    @Test func unusableSettingsAreRefusedByName() async {
        var configuration = SimulatorConfiguration()
        configuration.faults.tooManyRequests = 0.7
        configuration.faults.serverErrors = 0.5
        await #expect(
            throws: SimulatorError.invalidConfiguration(
                field: "faults", reason: "the shares add up to 1.2, more than 1")
        ) {
            _ = try await CXoneSimulator.start(configuration)
        }
        configuration = SimulatorConfiguration()
        configuration.tokenLifetimeSeconds = 0
        await #expect(
            throws: SimulatorError.invalidConfiguration(
                field: "tokenLifetimeSeconds", reason: "must be 1 or more, got 0")
        ) {
            _ = try await CXoneSimulator.start(configuration)
        }
    }
}

/// The simulator's HTTP control endpoints and its life cycle.
@Suite struct SimulatorControlTests {
    private func send(_ method: HTTPMethod, _ url: String, body: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    @Test func faultsAreScriptedAndRequestsReadOverHTTP() async throws {
        try await Harness.with { h in
            let url = h.simulator.baseURL
            let refused = try await send(.POST, url + "/_sim/faults", body: #"{"endpoint":"reports","status":429}"#)
            #expect(refused.0 == 400)
            #expect(refused.1.contains(#""field":"endpoint""#))
            let scripted = try await send(
                .POST, url + "/_sim/faults", body: #"{"endpoint":"report","status":429,"retry_after":"3"}"#)
            #expect(scripted.0 == 204)
            try await h.report()
            #expect(h.clock.sleeps == [.seconds(3)])
            let (status, listing) = try await send(.GET, url + "/_sim/requests")
            #expect(status == 200)
            let records = try JSONParser.parse(listing)
            guard case .array(let list) = records else { throw CancellationError() }
            #expect(list.compactMap { $0["status"]?.intValue } == [200, 429, 200])
            #expect(list.first?["authorization"]?.stringValue == "basic")
            #expect(try await send(.POST, url + "/_sim/revoke-tokens").0 == 204)
            try await h.report()
            #expect(h.requests(.report).map(\.status) == [429, 200, 401, 200])
        }
    }

    @Test func aTakenPortIsACleanError() async throws {
        let first = try await CXoneSimulator.start()
        var configuration = SimulatorConfiguration()
        configuration.port = first.port
        await #expect(throws: SimulatorError.self) { _ = try await CXoneSimulator.start(configuration) }
        await first.stop()
    }
}
