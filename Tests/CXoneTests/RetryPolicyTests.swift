import DialerCore
import Testing

@testable import CXone

@Suite struct RetryPolicyTests {
    private var policy: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = 4
        policy.baseDelay = .milliseconds(500)
        policy.maxDelay = .seconds(2)
        policy.maxTotalTime = .seconds(10)
        return policy
    }

    @Test func backoffIsFullJitterUnderADoublingCeiling() {
        #expect(policy.jittered(attempt: 1, unitRandom: 0.999_999) == .milliseconds(499))
        #expect(policy.jittered(attempt: 2, unitRandom: 0.5) == .milliseconds(500))
        #expect(policy.jittered(attempt: 3, unitRandom: 0.999_999) == .milliseconds(1_999))
        #expect(policy.jittered(attempt: 9, unitRandom: 0.5) == .seconds(1), "capped at maxDelay")
        #expect(policy.jittered(attempt: 3, unitRandom: 0) == .zero)
    }

    @Test func retryAfterWinsOverBackoff() {
        let delay = policy.delay(afterAttempt: 1, elapsed: .zero, retryAfter: .seconds(3), unitRandom: 0.1)
        #expect(delay == .success(.seconds(3)))
    }

    @Test func attemptsAndTotalTimeAreBounded() {
        #expect(
            policy.delay(afterAttempt: 4, elapsed: .zero, retryAfter: nil, unitRandom: 0.1)
                == .failure(.attemptsExhausted))
        #expect(
            policy.delay(afterAttempt: 1, elapsed: .seconds(8), retryAfter: .seconds(3), unitRandom: 0)
                == .failure(.wouldExceedTotalTime(wait: .seconds(3))))
        #expect(
            policy.delay(afterAttempt: 1, elapsed: .seconds(7), retryAfter: .seconds(3), unitRandom: 0)
                == .success(.seconds(3)))
    }

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        let now = Timestamp(milliseconds: 784_111_777_000)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.wait("2", now: now) == .seconds(2))
        #expect(RetryAfter.wait(" 120 ", now: now) == .seconds(120))
        #expect(RetryAfter.wait("Sun, 06 Nov 1994 08:49:40 GMT", now: now) == .seconds(3))
        #expect(RetryAfter.wait("Sunday, 06-Nov-94 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.wait("Sun Nov  6 08:49:57 1994", now: now) == .seconds(20))
        #expect(RetryAfter.wait("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero, "a past date means now")
        #expect(RetryAfter.wait("soon", now: now) == nil)
        #expect(RetryAfter.wait("-5", now: now) == nil)
        #expect(RetryAfter.wait(nil, now: now) == nil)
    }
}

@Suite struct TokenLogicTests {
    private func configuration() -> CXoneConfiguration {
        CXoneConfiguration(
            baseURL: "http://127.0.0.1:1/", clientID: "id one", clientSecret: Secret("s3cr3t&=+"),
            scopes: ["outbound:campaign:read", "analytics:read"])
    }

    @Test func aTokenIsRefreshedAMarginBeforeItExpires() throws {
        let at = Timestamp(milliseconds: 1_000_000)
        let token = TokenResponse(accessToken: "t", expiresIn: 3_600).token(
            requestedAt: at, configuration: configuration())
        #expect(token.expiresAt == Timestamp(milliseconds: 1_000_000 + 3_600_000))
        #expect(token.refreshAt == Timestamp(milliseconds: 1_000_000 + 3_540_000))
        let short = TokenResponse(accessToken: "t", expiresIn: 30).token(
            requestedAt: at, configuration: configuration())
        #expect(short.refreshAt == Timestamp(milliseconds: 1_015_000), "the margin is at most half the lifetime")
    }

    @Test func aTokenWithoutALifetimeGetsTheConservativeDefault() throws {
        let response = try TokenResponse(body: Array(#"{"access_token":"abc","token_type":"bearer"}"#.utf8))
        #expect(response.expiresIn == nil)
        let token = response.token(requestedAt: Timestamp(milliseconds: 0), configuration: configuration())
        #expect(token.expiresAt == Timestamp(milliseconds: 300_000))
    }

    @Test func aTokenBodyWithoutATokenIsRefused() {
        #expect(throws: TokenBodyError.self) { try TokenResponse(body: Array(#"{"token_type":"bearer"}"#.utf8)) }
        #expect(throws: TokenBodyError.self) { try TokenResponse(body: Array("<html>".utf8)) }
    }

    @Test func credentialsTravelAsBasicAuthOrFormFields() throws {
        var configuration = configuration()
        let basic = TokenRequest.call(configuration)
        #expect(basic.url == "http://127.0.0.1:1/oauth/token")
        // base64("id+one:s3cr3t%26%3D%2B")
        #expect(basic.headers.first(name: "Authorization") == "Basic aWQrb25lOnMzY3IzdCUyNiUzRCUyQg==")
        #expect(
            String(decoding: try #require(basic.body), as: UTF8.self)
                == "grant_type=client_credentials&scope=outbound%3Acampaign%3Aread+analytics%3Aread")
        configuration.credentialPlacement = .form
        configuration.tokenURL = "https://example.niceincontact.com/api/v2/oauth/token"
        let form = TokenRequest.call(configuration)
        #expect(form.url == "https://example.niceincontact.com/api/v2/oauth/token")
        #expect(form.headers.first(name: "Authorization") == nil)
        #expect(
            String(decoding: try #require(form.body), as: UTF8.self).hasSuffix(
                "&client_id=id+one&client_secret=s3cr3t%26%3D%2B"))
    }

    @Test func secretsAreRedactedFromText() {
        let redactor = Redactor(secrets: ["s3cr3t-value"])
        let text =
            #"{"access_token":"eyJabc.def","error":"x"} Authorization: Bearer eyJzzz client_secret=s3cr3t-value&a=1"#
        let clean = redactor.redact(text)
        #expect(!clean.contains("eyJabc") && !clean.contains("eyJzzz") && !clean.contains("s3cr3t-value"))
        #expect(clean.contains(#""error":"x""#))
        #expect("\(Secret("hunter22"))" == "[redacted]")
    }
}

@Suite struct EnvironmentConfigurationTests {
    @Test func withoutABaseURLTheSimulatorIsUsed() throws {
        #expect(try CXoneConfiguration(environment: [:]) == nil)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try #require(
            try CXoneConfiguration(environment: [
                "CXONE_BASE_URL": "https://api.example.test/", "CXONE_CLIENT_ID": "id", "CXONE_CLIENT_SECRET": "s",
                "CXONE_SCOPES": "a b", "CXONE_CREDENTIALS": "form", "CXONE_MAX_ATTEMPTS": "7",
                "CXONE_MAX_TOTAL_SECONDS": "9", "CXONE_TIMEOUT_SECONDS": "4",
                "CXONE_TOKEN_REFRESH_MARGIN_SECONDS": "30",
            ]))
        #expect(configuration.baseURL == "https://api.example.test")
        #expect(configuration.resolvedTokenURL == "https://api.example.test/oauth/token")
        #expect(configuration.scopes == ["a", "b"])
        #expect(configuration.credentialPlacement == .form)
        #expect(configuration.retry.maxAttempts == 7)
        #expect(configuration.retry.maxTotalTime == .seconds(9))
        #expect(configuration.requestTimeout == .seconds(4))
        #expect(configuration.refreshMargin == .seconds(30))
    }

    @Test(arguments: [
        (["CXONE_BASE_URL": "ftp://x"], "CXONE_BASE_URL"),
        (["CXONE_BASE_URL": "https://x", "CXONE_CLIENT_SECRET": "s"], "CXONE_CLIENT_ID"),
        (["CXONE_BASE_URL": "https://x", "CXONE_CLIENT_ID": "i"], "CXONE_CLIENT_SECRET"),
        (["CXONE_CREDENTIALS": "header"], "CXONE_CREDENTIALS"),
        (["CXONE_MAX_ATTEMPTS": "0"], "CXONE_MAX_ATTEMPTS"),
        (["CXONE_TIMEOUT_SECONDS": "soon"], "CXONE_TIMEOUT_SECONDS"),
    ])
    func aBadValueIsAnErrorNamingTheVariable(overrides: [String: String], variable: String) {
        var environment = ["CXONE_BASE_URL": "https://x", "CXONE_CLIENT_ID": "i", "CXONE_CLIENT_SECRET": "s"]
        if overrides["CXONE_BASE_URL"] != nil { environment = [:] }
        environment.merge(overrides) { $1 }
        let error = #expect(throws: DialerCoreError.self) { try CXoneConfiguration(environment: environment) }
        #expect(error?.description.contains(variable) == true)
    }
}
