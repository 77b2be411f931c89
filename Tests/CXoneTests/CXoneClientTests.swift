import CXone
import CXoneSimulator
import DialerCore
import Testing

/// The client against the simulator over real HTTP on loopback.
@Suite struct CXoneClientTests {
    @Test func concurrentCallsShareOneTokenRequest() async throws {
        try await Harness.with { h in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 { group.addTask { try await h.report("C\(index % 4)") } }
                try await group.waitForAll()
            }
            #expect(h.requests(.token).count == 1)
            #expect(h.requests(.report).map(\.status) == Array(repeating: 200, count: 16))
            #expect(h.requests(.report).allSatisfy { $0.authorization == .bearer })
        }
    }

    @Test func refreshesTheTokenAMarginBeforeItExpires() async throws {
        try await Harness.with(simulator: { $0.tokenLifetimeSeconds = 600 }) { h in
            try await h.report()
            h.clock.advance(seconds: 500)
            try await h.report()
            #expect(h.requests(.token).count == 1, "500 s into 600 is before the 60 s margin")
            h.clock.advance(seconds: 45)
            try await h.report()
            #expect(h.requests(.token).count == 2, "545 s is inside the margin")
        }
    }

    @Test func aRevokedTokenIsReplacedOnceAndTheCallRepeated() async throws {
        try await Harness.with { h in
            try await h.report()
            h.simulator.revokeAllTokens()
            let page = try await h.report()
            #expect(page.status == 200)
            #expect(h.requests(.report).map(\.status) == [200, 401, 200])
            #expect(h.requests(.token).count == 2)
        }
    }

    @Test func aSecond401IsAnError() async throws {
        try await Harness.with { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 401, count: 5))
            let error = try await #require(throws: CXoneError.self) { try await h.report() }
            #expect(error.kind == .status(401))
            #expect(error.attempts == 2)
            #expect(h.requests(.token).count == 2)
        }
    }

    @Test func retryAfterIsWaitedFor() async throws {
        try await Harness.with { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 429, retryAfter: "2"))
            let page = try await h.report()
            #expect(page.status == 200)
            #expect(h.clock.sleeps == [.seconds(2)])
            #expect(h.requests(.report).map(\.status) == [429, 200])
        }
    }

    @Test func attemptsAreCappedAndTheErrorSaysWhichCap() async throws {
        try await Harness.with(client: { $0.retry.maxAttempts = 3 }) { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 503, count: 10))
            let error = try await #require(throws: CXoneError.self) { try await h.report() }
            #expect(error.kind == .attemptsExhausted(lastStatus: 503))
            #expect(error.description.contains("gave up after 3 attempts (the attempt limit)"))
            #expect(h.requests(.report).count == 3)
            #expect(h.clock.sleeps.count == 2)
        }
    }

    @Test func aPostWithoutAKeyIsNeverRepeatedAfterA500() async throws {
        try await Harness.with { h in
            h.simulator.script(ScriptedFault(endpoint: .schedules, status: 500))
            let error = try await #require(throws: CXoneError.self) {
                try await h.client.submitSchedule(
                    campaignID: "C1", schedule: scheduleBody(campaign: "C1", contacts: 5), idempotencyKey: nil)
            }
            #expect(error.kind == .status(500))
            #expect(h.requests(.schedules).count == 1)
        }
    }

    @Test func aPostWithAKeyIsRepeatedAndCreatesOneSchedule() async throws {
        try await Harness.with { h in
            let body = scheduleBody(campaign: "C1", contacts: 5)
            h.simulator.script(ScriptedFault(endpoint: .schedules, status: 500))
            let first = try await h.client.submitSchedule(campaignID: "C1", schedule: body, idempotencyKey: "job-1:C1")
            let again = try await h.client.submitSchedule(campaignID: "C1", schedule: body, idempotencyKey: "job-1:C1")
            #expect(first.attempts == 2)
            #expect(first.scheduleID == again.scheduleID)
            #expect(h.requests(.schedules).map(\.status) == [500, 201, 201])
            #expect(h.requests(.schedules).allSatisfy { $0.idempotencyKey == "job-1:C1" })
        }
    }

    @Test func aRefusedScheduleNamesTheField() async throws {
        try await Harness.with { h in
            var body = scheduleBody(campaign: "C1", contacts: 5)
            if case .object(var fields) = body {
                fields["startTime"] = "2020-01-01T09:00:00Z"
                body = .object(fields)
            }
            let error = try await #require(throws: CXoneError.self) {
                try await h.client.submitSchedule(campaignID: "C1", schedule: body, idempotencyKey: "k")
            }
            #expect(error.kind == .status(422))
            #expect(error.bodyExcerpt.contains(#""field":"startTime""#))
            #expect(error.bodyExcerpt.contains("is in the past"))
        }
    }

    @Test func analyticsIsReadToTheLastPageAndGrowsToTheCampaignSize() async throws {
        try await Harness.with { h in
            for index in 0..<4 {
                _ = try await h.client.submitSchedule(
                    campaignID: "C9", schedule: scheduleBody(campaign: "C9", contacts: 25), idempotencyKey: "s\(index)")
            }
            var query = AnalyticsQuery(campaignIDs: ["C9"], from: Harness.day, to: Harness.day.adding(hours: 48))
            query.pageSize = 2
            var totals: [Double] = []
            while totals.last != 100, totals.count < 20 {
                let result = try await h.client.analytics(query)
                #expect(result.pages.map(\.page) == [1, 2], "three rows, two to a page")
                totals.append(result.callsCompleted)
            }
            #expect(totals.last == 100)
            #expect(totals == totals.sorted(), "completed calls never go back")
            #expect(totals.count >= 3, "completion takes several polls")
        }
    }

    @Test func aMalformed200IsRetriedAndTheNextGoodAnswerIsUsed() async throws {
        try await Harness.with { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 200, body: "<<not json"))
            let page = try await h.report()
            #expect(page.status == 200)
            #expect(!page.rows.isEmpty)
            #expect(h.requests(.report).map(\.status) == [200, 200])
            #expect(h.clock.sleeps == [.milliseconds(50)], "backoff as after a 5xx: half of the 100 ms ceiling")
        }
    }

    @Test func persistentlyMalformedAnswersEndAtTheAttemptCapNamingTheEndpointAndStatus() async throws {
        try await Harness.with(client: { $0.retry.maxAttempts = 3 }) { h in
            let cases: [(ScriptedFault, String)] = [
                (ScriptedFault(endpoint: .report, status: 200, body: "<<not json", count: 3), "not valid JSON"),
                (
                    ScriptedFault(
                        endpoint: .report, status: 200, body: "<html></html>", contentType: "text/html", count: 3),
                    "Content-Type is text/html"
                ),
                (
                    ScriptedFault(endpoint: .report, status: 200, body: #"{"rows":[]}"#, count: 3),
                    "expected a JSON array"
                ),
            ]
            for (fault, reason) in cases {
                let before = h.requests(.report).count
                h.simulator.script(fault)
                let error = try await #require(throws: CXoneError.self) { try await h.report() }
                #expect(error.kind == .attemptsExhausted(lastStatus: 200))
                #expect(error.lastStatus == 200)
                #expect(error.attempts == 3)
                #expect(error.malformation?.contains(reason) == true)
                #expect(
                    error.description.hasPrefix(
                        "CXone campaign report gave up after 3 attempts (the attempt limit); last answer: HTTP 200 "
                            + "with a body that is not what the API documents (\(reason)"))
                #expect(h.requests(.report).count - before == 3)
            }
        }
    }

    @Test func aMalformedAnswerToAPostWithoutAKeyIsNotRepeated() async throws {
        try await Harness.with { h in
            h.simulator.script(ScriptedFault(endpoint: .schedules, status: 201, body: "{}"))
            let error = try await #require(throws: CXoneError.self) {
                try await h.client.submitSchedule(
                    campaignID: "C1", schedule: scheduleBody(campaign: "C1", contacts: 5), idempotencyKey: nil)
            }
            #expect(error.kind == .status(201) && error.malformation == "no schedule id")
            #expect(error.description.hasPrefix("CXone schedule submission answered HTTP 201 with a body that is not"))
            #expect(h.requests(.schedules).count == 1)
        }
    }

    @Test func aWindowLongerThanOneRequestMayAskForIsFetchedInParts() async throws {
        try await Harness.with(client: { $0.maxReportHours = 10 }) { h in
            let page = try await h.report()  // 24 hours: 10, 10 and 4
            #expect(h.requests(.report).map(\.status) == [200, 200, 200])
            #expect(
                page.request.split(separator: " ").map { $0.split(separator: "?").last ?? "" } == [
                    "start_date=2026-11-30T00:00:00Z&end_date=2026-11-30T10:00:00Z&interval=HOURLY",
                    "start_date=2026-11-30T10:00:00Z&end_date=2026-11-30T20:00:00Z&interval=HOURLY",
                    "start_date=2026-11-30T20:00:00Z&end_date=2026-12-01T00:00:00Z&interval=HOURLY",
                ])
            let dates = page.rows.compactMap { $0["date"]?.stringValue }
            #expect(dates.count == page.rows.count && !dates.isEmpty)
            #expect(dates == dates.sorted() && Set(dates).count == dates.count, "in order, none twice")
            #expect(dates.allSatisfy { $0.hasPrefix("2026-11-30T") })
        }
    }

    @Test func badCredentialsAreRefusedWithoutShowingTheSecret() async throws {
        try await Harness.with(simulator: { $0.clientSecret = "the-real-secret" }) { h in
            let error = try await #require(throws: CXoneError.self) { try await h.report() }
            #expect(error.kind == .status(401))
            #expect(error.endpoint == "token endpoint")
            #expect(!error.description.contains(Harness.secret))
            #expect(h.requests(.report).isEmpty)
        }
    }

    @Test func formCredentialsWorkToo() async throws {
        try await Harness.with(client: { $0.credentialPlacement = .form }) { h in
            try await h.report()
            #expect(h.requests(.token).map(\.authorization) == [.form])
        }
    }

    @Test func secretsNeverReachErrorsLogsOrTheServer() async throws {
        try await Harness.with(client: { $0.retry.maxAttempts = 2 }) { h in
            try await h.report()
            let token = try await h.client.accessToken().value.exposed
            h.simulator.script(
                ScriptedFault(endpoint: .report, status: 500, body: #"{"echo":"Bearer \#(token)"}"#, count: 2))
            let error = try await #require(throws: CXoneError.self) { try await h.report() }
            let texts = [error.description] + h.log.lines + h.simulator.requests().map { "\($0)" }
            #expect(!h.log.lines.isEmpty, "the retry was logged")
            for text in texts {
                #expect(!text.contains(Harness.secret))
                #expect(!text.contains(token))
            }
        }
    }
}
