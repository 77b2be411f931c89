import CXone
import DialerCore
import DialerTesting
import Foundation
import Synchronization
import Testing

@testable import Delivery
@testable import Pipelines

/// Publishing recorded reports to the local store and the mail folder: each effect once, intent before
/// outcome, no secret in the log, and unfinished publications finished from the log.
@Suite struct ReportPublisherTests {
    static let day = ReportWindow(
        start: Timestamp(milliseconds: 1_795_996_800_000), end: Timestamp(milliseconds: 1_796_083_200_000))
    static let clock = ManualClock(Timestamp(milliseconds: 1_796_090_000_000))

    /// A mail sender that fails as told, then hands over to the mail folder.
    final class FlakyMailer: MailSender {
        let folder: MailFolder
        let failures: Mutex<[SMTPFailure]>
        init(folder: String, failures: [SMTPFailure]) {
            self.folder = MailFolder(path: folder)
            self.failures = Mutex(failures)
        }
        func send(_ message: MailMessage) async throws -> MailReceipt {
            if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                throw DeliveryError.smtp(failure)
            }
            return try await folder.send(message)
        }
    }

    static func settings(
        _ folder: TemporaryFolder, mailer: (any MailSender)? = nil,
        recipients: [String] = ["ops@example.com", "Lead@Example.com"]
    ) -> PublishSettings {
        var settings = PublishSettings(
            objects: LocalObjectStore(
                root: folder.appending("objects"), baseURL: "http://127.0.0.1:8080",
                signingKey: LinkSigningKey(bytes: Array(repeating: 9, count: 32))),
            mailer: mailer ?? MailFolder(path: folder.appending("mail")))
        settings.recipients = recipients
        return settings
    }

    private func publicationTypes(_ h: ReportHarness) async throws -> [String] {
        try await h.types().filter { PublicationEvent.types.contains($0) }
    }

    static func mailFiles(_ folder: TemporaryFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appending("mail"))) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
    }

    @Test func eachEffectHappensOnceIntentFirstAndNoSignatureIsRecorded() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let settings = Self.settings(folder)
            let publisher = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let result = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(result.unfinished.isEmpty)
            await #expect(
                try publicationTypes(h) == [
                    "ReportUploadRequested", "ReportUploaded", "ReportUploadRequested", "ReportUploaded",
                    "ReportUploadRequested", "ReportUploaded", "ReportLinkRequested", "ReportLinkIssued",
                    "ReportEmailRequested", "ReportEmailAttempted", "ReportEmailed", "ReportEmailRequested",
                    "ReportEmailAttempted", "ReportEmailed",
                ])
            // Each outcome names its intent as its cause; the first intent names the report, and the page's and
            // the CSV's intents name the first.
            let all = try await h.store.events()
            let typeOf = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.type) })
            let causes = all.filter { PublicationEvent.types.contains($0.type) }.map { event in
                "\(event.type)<-\(event.causationID.flatMap { typeOf[$0] } ?? "nothing")"
            }
            #expect(
                causes == [
                    "ReportUploadRequested<-ReportGenerated", "ReportUploaded<-ReportUploadRequested",
                    "ReportUploadRequested<-ReportUploadRequested", "ReportUploaded<-ReportUploadRequested",
                    "ReportUploadRequested<-ReportUploadRequested", "ReportUploaded<-ReportUploadRequested",
                    "ReportLinkRequested<-ReportUploadRequested", "ReportLinkIssued<-ReportLinkRequested",
                    "ReportEmailRequested<-ReportLinkRequested", "ReportEmailAttempted<-ReportEmailRequested",
                    "ReportEmailed<-ReportEmailAttempted", "ReportEmailRequested<-ReportLinkRequested",
                    "ReportEmailAttempted<-ReportEmailRequested", "ReportEmailed<-ReportEmailAttempted",
                ])
            // A key of its own, the report's exact bytes, and a link that opens them until it expires.
            #expect(result.address.key == "reports/dialer_2026-11-30_\(outcome.generated.reportID).json")
            let store = try #require(settings.objects as? LocalObjectStore)
            #expect(try store.read(key: result.address.key) == outcome.document)
            let link = try #require(result.link)
            #expect(link.expiresAt.milliseconds == Self.clock.now().milliseconds + 86_400_000)
            let query = try #require(URLComponents(string: link.url)?.queryItems)
            let signature = try #require(query.first { $0.name == "signature" }?.value)
            let expires = query.first { $0.name == "expires" }?.value
            #expect(
                store.check(key: result.address.key, expires: expires, signature: signature, now: Self.clock.now())
                    == .granted)
            // Both recipients got one message holding the links; the log holds neither a link nor its signature.
            let mail = Self.mailFiles(folder)
            #expect(mail.count == 2)
            for file in mail {
                let message = try await CheckedMail(file: folder.appending("mail/\(file)"))
                #expect(message.textLinks.contains(link.url) && message.htmlLinks.contains(link.url))
            }
            let everything = try await h.store.events().map { String(decoding: $0.payload.bytes, as: UTF8.self) }
                .joined()
            #expect(!everything.contains(signature))
            #expect(!everything.contains("signature="))
            // Publishing again, or reconciling, does nothing more.
            let again = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(again.emails.map(\.result) == [.accepted, .accepted])
            #expect(again.link?.url == link.url, "the link is signed again from the recorded time")
            #expect(try await publisher.reconcile().isEmpty)
            await #expect(try publicationTypes(h).count == 14)
            #expect(Self.mailFiles(folder).count == 2)
        }
    }

    @Test func anUploadCutShortIsDoneAgainWithTheSameBytes() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_002"], window: Self.day))
            // The log as a crash right after the upload intent leaves it.
            let intent = ReportUploadRequested(
                reportID: outcome.generated.reportID, runID: outcome.generated.runID,
                address: ObjectAddress(store: "local", bucket: "local", key: "reports/dialer_2026-11-30.json"),
                sha256: outcome.generated.sha256, size: outcome.generated.size, contentType: "application/json",
                linkExpiresIn: 3_600, recipients: ["ops@example.com"])
            _ = try await h.store.append([
                EventDraft(
                    type: PublicationEvent.uploadRequested, stream: ReportEvent.runStream(outcome.generated.runID),
                    payload: intent.json, correlationID: outcome.generated.runID, idempotencyKey: intent.idempotencyKey)
            ])
            var settings = Self.settings(folder)
            settings.recipients = ["someone-else@example.com"]
            let publisher = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let results = try await publisher.reconcile()
            #expect(results.map(\.reportID) == [outcome.generated.reportID])
            #expect(results.first?.unfinished == [])
            let store = try #require(settings.objects as? LocalObjectStore)
            #expect(try store.read(key: intent.address.key) == outcome.document)
            // The recorded plan wins: its lifetime and its recipient, not today's settings.
            #expect(results.first?.link?.expiresAt.milliseconds == Self.clock.now().milliseconds + 3_600_000)
            #expect(results.first?.emails.map(\.recipient) == ["ops@example.com"])
            await #expect(
                try publicationTypes(h).filter { $0 == "ReportUploadRequested" }.count == 3,
                "the recorded JSON intent, then the page's and the CSV's beside it")
        }
    }

    @Test func anEmailIsRetriedOnlyWhenItWasNeverHandedOver() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_003"], window: Self.day))
            var written = SMTPFailure(step: "DATA", code: nil, reason: "the server closed the connection")
            written.messageWritten = true
            let mailer = FlakyMailer(
                folder: folder.appending("mail"),
                failures: [SMTPFailure(step: "connection", code: nil, reason: "connection refused"), written])
            let publisher = ReportPublisher(
                store: h.store, settings: Self.settings(folder, mailer: mailer), now: Self.clock.closure,
                logger: ReportHarness.quiet)
            let first = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(first.emails.map(\.result) == [.notSent, .unknown])
            #expect(first.unfinished.count == 1)
            // The next run sends the one never handed over, with the same Message-ID, and leaves the other.
            let resumed = try await publisher.reconcile()
            #expect(resumed.first?.emails.map(\.result) == [.accepted, .unknown])
            #expect(resumed.first?.emails[0].messageID == first.emails[0].messageID)
            #expect(Self.mailFiles(folder).count == 1)
            #expect(try await publisher.reconcile().isEmpty)
        }
    }

    @Test func anOlderUnfinishedPublicationDoesNotOverwriteANewerReportAtTheSameKey() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let older = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_004"], window: Self.day))
            let newer = try await h.runner(startingAt: 1_796_000_001_000).run(
                ReportRequest(campaigns: ["CAMPAIGN_005"], window: Self.day))
            // The seed's one-key-per-day template, so both reports want the same key.
            var down = Self.settings(folder)
            down.keyTemplate = .seed
            down.objects = LocalObjectStore(
                root: "/proc/not-writable", baseURL: "http://127.0.0.1:8080",
                signingKey: LinkSigningKey(bytes: Array(repeating: 9, count: 32)))
            let failing = ReportPublisher(
                store: h.store, settings: down, now: Self.clock.closure, logger: ReportHarness.quiet)
            let failed = try await failing.publish(reportID: older.generated.reportID)
            #expect(failed.unfinished.count == 1)
            await #expect(try publicationTypes(h) == ["ReportUploadRequested", "ReportUploadFailed"])
            var seed = Self.settings(folder)
            seed.keyTemplate = .seed
            let publisher = ReportPublisher(
                store: h.store, settings: seed, now: Self.clock.closure, logger: ReportHarness.quiet)
            _ = try await publisher.publish(reportID: newer.generated.reportID)
            // The older one's retry finds the key holding the newer report's bytes and refuses, before any PUT.
            let retried = try await publisher.reconcile()
            #expect(retried.map(\.reportID) == [older.generated.reportID])
            #expect(retried.first?.unfinished.first?.contains("a published key is never overwritten") == true)
            let store = try #require(seed.objects as? LocalObjectStore)
            #expect(try store.read(key: "reports/dialer_2026-11-30.json") == newer.document)
        }
    }
}

/// Publications that say only what happened: failed runs, shared keys, runs cut short, moved targets, mail
/// setup failures, concurrent publishers and attempts cut short.
@Suite struct TruthfulPublicationTests {
    static let day = ReportPublisherTests.day
    static let clock = ReportPublisherTests.clock

    private func settings(_ folder: TemporaryFolder, mailer: (any MailSender)? = nil) -> PublishSettings {
        ReportPublisherTests.settings(folder, mailer: mailer, recipients: ["ops@example.com"])
    }

    private func mailFiles(_ folder: TemporaryFolder) -> [String] { ReportPublisherTests.mailFiles(folder) }

    @Test func aRunWithNoCampaignFetchedIsRecordedAsFailedAndNeverPublished() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var configuration = CXoneConfiguration(
                baseURL: h.simulator.baseURL, clientID: "dialer-ledger", clientSecret: Secret("wrong-secret-123456"),
                scopes: ["outbound:campaign:read"])
            configuration.retry.baseDelay = .milliseconds(1)
            let client = CXoneClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            let runner = ReportRunner(
                store: h.store, source: client, now: Self.clock.closure, logger: ReportHarness.quiet)
            var request = ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002"], window: Self.day)
            request.publishTo = ["ops@example.com"]
            let failure = await #expect(throws: ReportRunFailure.self) { try await runner.run(request) }
            #expect(
                failure?.reason
                    == "CXone refused the client credentials (HTTP 401 from the token endpoint): "
                    + "check CXONE_CLIENT_ID and CXONE_CLIENT_SECRET")
            #expect(failure?.refusedAsAsked == false)
            let types = try await h.types()
            #expect(types.contains(ReportEvent.runFailed) && !types.contains(ReportEvent.generated))
            #expect(types.filter { $0 == ReportEvent.fetchFailed }.count == 2, "each campaign's failure is a fact")
            let everything = try await h.store.events().map { String(decoding: $0.payload.bytes, as: UTF8.self) }
                .joined()
            #expect(!everything.contains("wrong-secret-123456"))
            // Nothing to publish: no upload, no link, no e-mail.
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder), now: Self.clock.closure, logger: ReportHarness.quiet)
            #expect(try await publisher.reconcile().isEmpty)
            #expect(mailFiles(folder).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: folder.appending("objects")))
        }
    }

    @Test func aPartialRunSaysHowManyCampaignsAndWhichFailedInTheSubjectAndFirstLine() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(
                ReportRequest(
                    campaigns: ["CAMPAIGN_001", "CAMPAIGN_002", "UNKNOWN_9", "CAMPAIGN_003"], window: Self.day))
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder), now: Self.clock.closure, logger: ReportHarness.quiet)
            _ = try await publisher.publish(reportID: outcome.generated.reportID)
            let file = try #require(mailFiles(folder).first)
            let text = try String(contentsOfFile: folder.appending("mail/\(file)"), encoding: .utf8)
            #expect(text.contains("Subject: Dialer report 2026-11-30 (3 of 4 campaigns; UNKNOWN_9 failed)\r\n"))
            let body = try await CheckedMail(file: folder.appending("mail/\(file)")).text
            #expect(
                body.hasPrefix(
                    "The dialer report \(outcome.generated.reportID) is ready with 3 of 4 campaigns: UNKNOWN_9 could "
                        + "not be fetched from CXone."))
        }
    }

    @Test func twoReportsOfOneDayHaveKeysOfTheirOwnAndTheFirstLinkKeepsServingTheFirst() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let first = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let second = try await h.runner(startingAt: 1_796_000_001_000).run(
                ReportRequest(campaigns: ["CAMPAIGN_002"], window: Self.day))
            let settings = settings(folder)
            let publisher = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let one = try await publisher.publish(reportID: first.generated.reportID)
            let two = try await publisher.publish(reportID: second.generated.reportID)
            #expect(one.unfinished.isEmpty && two.unfinished.isEmpty)
            #expect(one.address.key != two.address.key)
            let store = try #require(settings.objects as? LocalObjectStore)
            #expect(SHA256Digest.of(try store.read(key: one.address.key)) == first.generated.sha256)
            #expect(SHA256Digest.of(try store.read(key: two.address.key)) == second.generated.sha256)
        }
    }

    @Test func aRunStoppedBeforeItsFirstUploadIntentIsPublishedByTheNextPublish() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            // `report run --publish` records the request with the run; the process then stops (no publish call).
            var request = ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day)
            request.publishTo = ["lead@example.com"]
            let outcome = try await h.runner.run(request)
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder), now: Self.clock.closure, logger: ReportHarness.quiet)
            let results = try await publisher.reconcile()
            #expect(results.map(\.reportID) == [outcome.generated.reportID])
            #expect(results.first?.unfinished == [])
            #expect(results.first?.emails.map(\.recipient) == ["lead@example.com"], "the recorded recipients")
            #expect(try await publisher.reconcile().isEmpty)
        }
    }

    @Test func aFailedUploadIsRetriedAtTheTargetConfiguredNowAndTheMoveIsRecorded() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            var wrong = settings(folder)
            wrong.keyTemplate = try ObjectKeyTemplate("misconfigured/{date}.json")
            wrong.objects = LocalObjectStore(
                root: "/proc/not-writable", baseURL: "http://127.0.0.1:8080",
                signingKey: LinkSigningKey(bytes: Array(repeating: 9, count: 32)))
            let failing = ReportPublisher(
                store: h.store, settings: wrong, now: Self.clock.closure, logger: ReportHarness.quiet)
            #expect(try await failing.publish(reportID: outcome.generated.reportID).unfinished.count == 1)
            let fixed = ReportPublisher(
                store: h.store, settings: settings(folder), now: Self.clock.closure, logger: ReportHarness.quiet)
            let results = try await fixed.reconcile()
            #expect(results.first?.unfinished == [])
            let key = "reports/dialer_2026-11-30_\(outcome.generated.reportID).json"
            #expect(results.first?.address.key == key)
            let intents = try await h.store.events().filter { $0.type == PublicationEvent.uploadRequested }
                .map { try ReportUploadRequested(json: JSONParser.parse($0.payload.bytes)) }
            #expect(intents.map(\.representation) == [.json, .json, .html, .csv])
            let moved = intents[1]
            #expect(moved.replaces?.address.key == "misconfigured/2026-11-30.json")
            #expect(moved.replaces?.reason.contains("failed: local object store") == true)
        }
    }

    @Test func aMailSetupFailureNeverUsesUpTheAttemptsSoAFixedPasswordSendsIt() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let refused = SMTPFailure(step: "AUTH", code: 535, reason: "5.7.8 Authentication credentials invalid")
            let mailer = ReportPublisherTests.FlakyMailer(
                folder: folder.appending("mail"), failures: Array(repeating: refused, count: 5))
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder, mailer: mailer), now: Self.clock.closure,
                logger: ReportHarness.quiet)
            for _ in 0..<5 {
                let result = try await publisher.publish(reportID: outcome.generated.reportID)
                #expect(result.emails.map(\.result) == [.notSent])
                #expect(result.unfinished.first?.contains("the mail setup failed") == true)
            }
            let sent = try await publisher.reconcile()
            #expect(sent.first?.emails.map(\.result) == [.accepted])
            #expect(mailFiles(folder).count == 1)
        }
    }

    /// A mailer whose sends wait until released, counting them.
    final class HeldMailer: MailSender {
        let folder: MailFolder
        let sends = Mutex(0)
        let release = AsyncStream<Void>.makeStream()
        init(folder: String) { self.folder = MailFolder(path: folder) }
        func send(_ message: MailMessage) async throws -> MailReceipt {
            sends.withLock { $0 += 1 }
            for await _ in release.stream { break }
            return try await folder.send(message)
        }
    }

    @Test func twoPublishersAtOnceSendEachEmailOnce() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let mailer = HeldMailer(folder: folder.appending("mail"))
            let settings = settings(folder, mailer: mailer)
            let first = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let second = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let reportID = outcome.generated.reportID
            async let one = first.publish(reportID: reportID)
            // The second publisher runs while the first is in its SMTP conversation.
            while mailer.sends.withLock({ $0 }) == 0 { await Task.yield() }
            let two = try await second.publish(reportID: reportID)
            #expect(two.unfinished.first?.contains("being sent by another process") == true)
            mailer.release.continuation.yield()
            #expect(try await one.emails.map(\.result) == [.accepted])
            #expect(mailer.sends.withLock { $0 } == 1)
            #expect(mailFiles(folder).count == 1)
        }
    }

    @Test func anAttemptCutShortIsInFlightUntilItsDeadlineThenUnknownAndNeverResent() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let busy = SMTPFailure(step: "MAIL FROM", code: 421, reason: "4.3.2 try again later")
            let mailer = ReportPublisherTests.FlakyMailer(folder: folder.appending("mail"), failures: [busy])
            let clock = ManualClock(Self.clock.now())
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder, mailer: mailer), now: clock.closure,
                logger: ReportHarness.quiet)
            let first = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(first.emails.map(\.result) == [.notSent])
            // A retry's process claims attempt 2 and is killed while the server holds its reply.
            let intent = try #require(
                try await h.store.events().last { $0.type == PublicationEvent.emailRequested })
            let requested = try ReportEmailRequested(json: JSONParser.parse(intent.payload.bytes))
            let claim = ReportEmailAttempted(
                reportID: requested.reportID, recipient: requested.recipient, messageID: requested.messageID,
                attempt: 2, deadline: clock.now().adding(.seconds(70)), host: "another-host", pid: 4242)
            _ = try await h.store.append([
                EventDraft(
                    type: PublicationEvent.emailAttempted, stream: intent.stream, payload: claim.json,
                    correlationID: intent.correlationID, causationID: intent.id, idempotencyKey: claim.idempotencyKey)
            ])
            let during = try await publisher.reconcile()
            #expect(during.first?.unfinished.first?.contains("attempt 2 is being sent by another process") == true)
            clock.advance(milliseconds: 71_000)
            let after = try await publisher.reconcile()
            #expect(after.first?.emails.map(\.result) == [.unknown])
            #expect(try await publisher.reconcile().isEmpty)
            #expect(mailFiles(folder).isEmpty, "attempt 2 may have reached the server: never sent again")
        }
    }
}
