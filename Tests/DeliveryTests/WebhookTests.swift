import AsyncHTTPClient
import DialerCore
import DialerTesting
import Foundation
import NIOCore
import Testing

@testable import Delivery

/// Standard Webhooks: signatures checked by the `standardwebhooks` package in a real receiver on loopback,
/// and the retry verdicts.
@Suite struct WebhookTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func theSignatureMatchesThePublishedExample() throws {
        let signature = WebhookSignature.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secret: try WebhookSecret(Self.secret))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func secretsAreCheckedAndNeverShown() throws {
        let secret = try WebhookSecret(Self.secret)
        #expect("\(secret)" == "whsec_[redacted]")
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_" + Data([1, 2, 3]).base64EncodedString(),
        ] {
            #expect {
                try WebhookSecret(bad)
            } throws: { error in
                guard case DialerCoreError.invalidField(let field, let reason) = error else { return false }
                return field == "webhook_secret" && !reason.contains(bad)
            }
        }
        #expect(try WebhookSecret(WebhookSecret.random()).key.count == 32)
    }

    @Test func anIndependentVerifierAcceptsOurDeliveriesAndRejectsATamperedBody() async throws {
        let receiver = try await WebhookTestReceiver(secret: Self.secret)
        defer { receiver.stop() }
        let sender = WebhookSender(now: { Timestamp(Date()) })
        let body = Array(#"{"data":{"campaign_id":"C1","calls_completed":50},"event":"campaign.completed"}"#.utf8)
        let result = try await sender.attempt(
            url: receiver.url, id: "dlv_1", body: body, secret: try WebhookSecret(Self.secret))
        #expect(result.status == 204 && result.error == nil)
        // The same headers over another body: the verifier must refuse it.
        var tampered = HTTPClientRequest(url: receiver.url)
        tampered.method = .POST
        let now = Timestamp(Date()).milliseconds / 1000
        for header in WebhookSignature.headers(
            id: "dlv_2", timestamp: now, body: body, secret: try WebhookSecret(Self.secret))
        {
            tampered.headers.add(name: header.name, value: header.value)
        }
        tampered.body = .bytes(ByteBuffer(bytes: Array(#"{"data":{"campaign_id":"C1","calls_completed":5000}}"#.utf8)))
        let refused = try await HTTPClient.shared.execute(tampered, timeout: .seconds(60))
        #expect(refused.status.code == 401)
        let deliveries = try receiver.deliveries()
        #expect(deliveries.map(\.verified) == [true, false])
        #expect(deliveries.first?.id == "dlv_1")
        #expect(deliveries.first?.body == String(decoding: body, as: UTF8.self))
    }

    @Test func noAnswerIsAResultNotAThrow() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        var sender = WebhookSender(now: { Timestamp(Date()) })
        sender.timeout = .milliseconds(300)
        let result = try await sender.attempt(
            url: "http://127.0.0.1:\(silent.port)/hook", id: "dlv_3", body: [], secret: try WebhookSecret(Self.secret))
        #expect(result.status == nil && result.error == "timed out")
        await #expect(throws: DialerCoreError.self) {
            try await sender.attempt(
                url: "ftp://example.com/x", id: "d", body: [], secret: try WebhookSecret(Self.secret))
        }
    }

    @Test func retriesFollowTheScheduleAndTheAnswer() {
        let schedule = WebhookRetrySchedule.standard
        let middle = { 0.5 }
        #expect(schedule.verdict(attempt: 1, status: 204, retryAfter: nil, random: middle) == .delivered)
        #expect(
            schedule.verdict(attempt: 1, status: 503, retryAfter: nil, random: middle) == .retry(after: .seconds(5)))
        #expect(
            schedule.verdict(attempt: 2, status: nil, retryAfter: nil, random: middle) == .retry(after: .seconds(300)))
        #expect(
            schedule.verdict(attempt: 1, status: 429, retryAfter: .seconds(120), random: middle)
                == .retry(after: .seconds(120)), "Retry-After asks for longer than the schedule")
        #expect(schedule.verdict(attempt: 1, status: 500, retryAfter: nil, random: { 0 }) == .retry(after: .seconds(4)))
        #expect(schedule.verdict(attempt: 1, status: 500, retryAfter: nil, random: { 1 }) == .retry(after: .seconds(6)))
        guard case .abandon = schedule.verdict(attempt: 1, status: 410, retryAfter: nil, random: middle) else {
            Issue.record("410 Gone must stop retries")
            return
        }
        guard case .abandon = schedule.verdict(attempt: 1, status: 400, retryAfter: nil, random: middle),
            case .abandon = schedule.verdict(attempt: 8, status: 503, retryAfter: nil, random: middle)
        else {
            Issue.record("a 400 and the last attempt are final")
            return
        }
        let total = schedule.delays.reduce(Duration.zero, +)
        #expect(total >= .seconds(20 * 3_600) && total <= .seconds(36 * 3_600), "about a day")
    }
}
