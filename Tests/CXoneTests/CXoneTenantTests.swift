import CXone
import CXoneSimulator
import DialerCore
import Testing

/// The real profile (`cxone`): login, discovery and the Reporting API against the simulator speaking it, over
/// real HTTP on loopback.
@Suite struct CXoneTenantTests {
    static let accessSecret = "ak-secret/with=signs&Zq9"

    /// A harness whose simulator and client speak the real profile, the client's issuer the simulator.
    static func withTenant(
        simulator configure: @escaping (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await Harness.with(
            simulator: {
                $0.profile = .cxone
                $0.accessKeySecret = accessSecret
                configure(&$0)
            },
            client: {
                $0.profile = .cxone
                $0.issuer = $0.baseURL
                $0.accessKeyID = SimulatorConfiguration().accessKeyID
                $0.accessKeySecret = Secret(accessSecret)
                $0.maxReportHours = 7 * 24
            }, body)
    }

    @Test func logsInWithTheAccessKeyAndFindsTheTenantsAPI() async throws {
        try await Self.withTenant { h in
            let token = try await h.client.accessToken()
            #expect(token.tenantID == SimulatorConfiguration().tenantID, "read from the JWT's payload")
            #expect(token.refreshToken != nil)
            let page = try await h.report("C1")
            #expect(page.dialerContacts?.skills.count == 2)
            #expect(page.request.contains("startDate=2026-11-30T00:00:00Z&endDate=2026-12-01T00:00:00Z&mediaTypeId=4"))
            #expect(h.requests(.token).map(\.grant) == ["password"])
            #expect(h.requests(.token).allSatisfy { $0.authorization == .basic }, "client id and secret as Basic")
            #expect(
                h.requests(.discovery).map(\.path) == [
                    "/.well-known/openid-configuration", "/.well-known/cxone-configuration",
                ])
            #expect(h.requests(.skills).map(\.path) == ["/inContactAPI/services/v34.0/campaigns/C1/skills"])
            #expect(h.requests(.dialerContacts).map(\.status) == [200])
        }
    }

    @Test func aTokenIsRefreshedEarlyWithTheRefreshGrantAnd401IsRetriedOnce() async throws {
        try await Self.withTenant(simulator: { $0.tokenLifetimeSeconds = 3600 }) { h in
            try await h.report()
            h.clock.advance(seconds: 3_550)  // inside the 60 s margin
            try await h.report()
            #expect(h.requests(.token).map(\.grant) == ["password", "refresh_token"])
            h.simulator.revokeAllTokens()
            try await h.report()
            #expect(
                h.requests(.token).map(\.grant) == ["password", "refresh_token", "password"], "a 401 logs in again")
            #expect(h.requests(.skills).map(\.status) == [200, 200, 401, 200])
            #expect(h.requests(.discovery).count == 2, "discovery is done once per client")
        }
    }

    @Test func clientCredentialsAreRefusedAsARealTenantDoes() async throws {
        try await Harness.with(simulator: { $0.profile = .cxone }) { h in
            let error = try await #require(throws: CXoneError.self) { try await h.client.accessToken() }
            #expect(error.lastStatus == 400)
            #expect(error.bodyExcerpt.contains("unsupported_grant_type"))
        }
    }

    @Test func a429WithoutRetryAfterIsRetriedWithBackoff() async throws {
        try await Self.withTenant { h in
            h.simulator.script(ScriptedFault(endpoint: .dialerContacts, status: 429, count: 2))
            let page = try await h.report()
            #expect(page.status == 200)
            #expect(h.requests(.dialerContacts).map(\.status) == [429, 429, 200])
            #expect(h.clock.sleeps == [.milliseconds(50), .milliseconds(100)], "full jitter at 0.5 of 100 ms, 200 ms")
        }
    }

    @Test func aLongWindowIsAskedForInParts() async throws {
        try await Self.withTenant { h in
            let page = try await h.client.campaignReport(
                campaignID: "C1", start: Harness.day, end: Harness.day.adding(hours: 10 * 24))
            #expect(page.dialerContacts?.responses.count == 2, "7 days, then 3")
            #expect(h.requests(.dialerContacts).map(\.status) == [200, 200])
        }
    }

    @Test func theResponseKeyIsConfigurableAndTheMappingReadsEither() async throws {
        for key in DialerContactsMapping.rowsKeys {
            try await Self.withTenant(simulator: { $0.rowsKey = key }) { h in
                let page = try await h.report("C1")
                let contacts = try #require(page.dialerContacts)
                #expect(contacts.responses.first?[key] != nil)
                let (rows, shape) = try DialerContactsMapping.hourlyRows(contacts)
                #expect(shape.rowsKeys == [key] && shape.intervalMinutes == 15 && !rows.isEmpty)
            }
        }
    }

    @Test func secretsNeverReachErrorsOrTheLog() async throws {
        try await Self.withTenant(simulator: { $0.accessKeySecret = "another-secret" }) { h in
            let error = try await #require(throws: CXoneError.self) { try await h.client.accessToken() }
            #expect(error.lastStatus == 400)
            for text in ["\(error)", h.log.lines.joined(separator: "\n")] {
                #expect(!text.contains(Self.accessSecret) && !text.contains(Harness.secret))
            }
        }
        try await Self.withTenant { h in
            try await h.report()
            h.clock.advance(seconds: 3_550)
            h.simulator.script(ScriptedFault(endpoint: .skills, status: 500, count: 9))
            let error = try await #require(throws: CXoneError.self) { try await h.report() }
            let token = try await h.client.accessToken()
            for text in ["\(error)", h.log.lines.joined(separator: "\n")] {
                #expect(!text.contains(Self.accessSecret) && !text.contains(Harness.secret))
                #expect(!text.contains(token.value.exposed) && !text.contains(token.refreshToken!.exposed))
            }
        }
    }
}
