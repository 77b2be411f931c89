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
        let failures: Mutex<[SMTPError]>
        init(folder: String, failures: [SMTPError]) {
            self.folder = MailFolder(path: folder)
            self.failures = Mutex(failures)
        }
        func send(_ message: MailMessage) async throws -> MailReceipt {
            if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
            return try await folder.send(message)
        }
    }

    private func settings(_ folder: TemporaryFolder, mailer: (any MailSender)? = nil) -> PublishSettings {
        var settings = PublishSettings(
            objects: LocalObjectStore(
                root: folder.appending("objects"), baseURL: "http://127.0.0.1:8080",
                signingKey: LinkSigningKey(bytes: Array(repeating: 9, count: 32))),
            mailer: mailer ?? MailFolder(path: folder.appending("mail")))
        settings.recipients = ["ops@example.com", "Lead@Example.com"]
        return settings
    }

    private func publicationTypes(_ h: ReportHarness) throws -> [String] {
        try h.types().filter { PublicationEvent.types.contains($0) }
    }

    private func mailFiles(_ folder: TemporaryFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appending("mail"))) ?? []).sorted()
    }

    @Test func eachEffectHappensOnceIntentFirstAndNoSignatureIsRecorded() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let settings = settings(folder)
            let publisher = ReportPublisher(
                store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
            let result = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(result.unfinished.isEmpty)
            #expect(
                try publicationTypes(h) == [
                    "ReportUploadRequested", "ReportUploaded", "ReportLinkRequested", "ReportLinkIssued",
                    "ReportEmailRequested", "ReportEmailed", "ReportEmailRequested", "ReportEmailed",
                ])
            // Each outcome names its intent as its cause; the first intent names the report.
            let all = try h.store.events()
            let typeOf = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.type) })
            let causes = all.filter { PublicationEvent.types.contains($0.type) }.map { event in
                "\(event.type)<-\(event.causationID.flatMap { typeOf[$0] } ?? "nothing")"
            }
            #expect(
                causes == [
                    "ReportUploadRequested<-ReportGenerated", "ReportUploaded<-ReportUploadRequested",
                    "ReportLinkRequested<-ReportUploadRequested", "ReportLinkIssued<-ReportLinkRequested",
                    "ReportEmailRequested<-ReportLinkRequested", "ReportEmailed<-ReportEmailRequested",
                    "ReportEmailRequested<-ReportLinkRequested", "ReportEmailed<-ReportEmailRequested",
                ])
            // The seed's key, the report's exact bytes, and a link that opens them until it expires.
            #expect(result.address.key == "reports/dialer_2026-11-30.json")
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
            // Both recipients got one message holding the link; the log holds neither the link nor its signature.
            let mail = mailFiles(folder)
            #expect(mail.count == 2)
            for file in mail {
                let text = try String(contentsOfFile: folder.appending("mail/\(file)"), encoding: .utf8)
                #expect(text.contains(link.url))
            }
            let everything = try h.store.events().map { String(decoding: $0.payload.bytes, as: UTF8.self) }
                .joined()
            #expect(!everything.contains(signature))
            #expect(!everything.contains("signature="))
            // Publishing again, or reconciling, does nothing more.
            let again = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(again.emails.map(\.result) == [.accepted, .accepted])
            #expect(again.link?.url == link.url, "the link is signed again from the recorded time")
            #expect(try await publisher.reconcile().isEmpty)
            #expect(try publicationTypes(h).count == 8)
            #expect(mailFiles(folder).count == 2)
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
            _ = try h.store.append([
                EventDraft(
                    type: PublicationEvent.uploadRequested, stream: ReportEvent.runStream(outcome.generated.runID),
                    payload: intent.json, correlationID: outcome.generated.runID, idempotencyKey: intent.idempotencyKey)
            ])
            var settings = settings(folder)
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
            #expect(try publicationTypes(h).filter { $0 == "ReportUploadRequested" }.count == 1)
        }
    }

    @Test func anEmailIsRetriedOnlyWhenItWasNeverHandedOver() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_003"], window: Self.day))
            var written = SMTPError(step: "DATA", code: nil, reason: "the server closed the connection")
            written.messageWritten = true
            let mailer = FlakyMailer(
                folder: folder.appending("mail"),
                failures: [SMTPError(step: "connection", code: nil, reason: "connection refused"), written])
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder, mailer: mailer), now: Self.clock.closure,
                logger: ReportHarness.quiet)
            let first = try await publisher.publish(reportID: outcome.generated.reportID)
            #expect(first.emails.map(\.result) == [.notSent, .unknown])
            #expect(first.unfinished.count == 1)
            // The next run sends the one never handed over, with the same Message-ID, and leaves the other.
            let resumed = try await publisher.reconcile()
            #expect(resumed.first?.emails.map(\.result) == [.accepted, .unknown])
            #expect(resumed.first?.emails[0].messageID == first.emails[0].messageID)
            #expect(mailFiles(folder).count == 1)
            #expect(try await publisher.reconcile().isEmpty)
        }
    }

    @Test func anOlderUnfinishedPublicationDoesNotOverwriteANewerReportAtTheSameKey() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let older = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_004"], window: Self.day))
            let newer = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_005"], window: Self.day))
            var down = settings(folder)
            down.objects = LocalObjectStore(
                root: "/proc/not-writable", baseURL: "http://127.0.0.1:8080",
                signingKey: LinkSigningKey(bytes: Array(repeating: 9, count: 32)))
            let failing = ReportPublisher(
                store: h.store, settings: down, now: Self.clock.closure, logger: ReportHarness.quiet)
            let failed = try await failing.publish(reportID: older.generated.reportID)
            #expect(failed.unfinished.count == 1)
            #expect(try publicationTypes(h) == ["ReportUploadRequested", "ReportUploadFailed"])
            let publisher = ReportPublisher(
                store: h.store, settings: settings(folder), now: Self.clock.closure, logger: ReportHarness.quiet)
            _ = try await publisher.publish(reportID: newer.generated.reportID)
            #expect(try await publisher.reconcile().isEmpty)
            let store = try #require(settings(folder).objects as? LocalObjectStore)
            #expect(try store.read(key: "reports/dialer_2026-11-30.json") == newer.document)
        }
    }
}
