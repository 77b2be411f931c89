import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import Delivery
@testable import Pipelines

/// The page and the CSV published beside the JSON, each upload recorded and confirmed like the JSON's, and
/// the `multipart/alternative` e-mail that links all three, as Python's `email` package reads it.
@Suite struct PublishedPageTests {
    static let day = ReportPublisherTests.day
    static let clock = ReportPublisherTests.clock

    private func settings(_ folder: TemporaryFolder) -> PublishSettings {
        ReportPublisherTests.settings(folder, recipients: ["ops@example.com"])
    }

    private func publisher(_ h: ReportHarness, _ settings: PublishSettings) -> ReportPublisher {
        ReportPublisher(store: h.store, settings: settings, now: Self.clock.closure, logger: ReportHarness.quiet)
    }

    /// The payloads of every event of `type`, in log order.
    private func payloads(_ h: ReportHarness, _ type: String) async throws -> [JSONValue] {
        try await h.store.events().filter { $0.type == type }.map { try JSONParser.parse($0.payload.bytes) }
    }

    /// Appends `payload` as an event of the report's run, as an earlier process would have.
    private func append(_ h: ReportHarness, _ type: String, _ payload: JSONValue, runID: UUID, key: String?)
        async throws
    {
        _ = try await h.store.append([
            EventDraft(
                type: type, stream: ReportEvent.runStream(runID), payload: payload, correlationID: runID,
                idempotencyKey: key)
        ])
    }

    /// The log as a publication cut right after the JSON's upload intent leaves it, and the JSON's address.
    private func recordJSONIntent(_ h: ReportHarness, _ outcome: ReportOutcome) async throws -> ReportUploadRequested {
        let generated = outcome.generated
        let intent = ReportUploadRequested(
            reportID: generated.reportID, runID: generated.runID,
            address: ObjectAddress(
                store: "local", bucket: "local", key: "reports/dialer_2026-11-30_\(generated.reportID).json"),
            sha256: generated.sha256, size: generated.size, contentType: "application/json", linkExpiresIn: 3_600,
            recipients: ["ops@example.com"])
        try await append(
            h, PublicationEvent.uploadRequested, intent.json, runID: generated.runID, key: intent.idempotencyKey)
        return intent
    }

    /// Runs `body` on a one-campaign report whose publication was cut right after the JSON's confirmed
    /// upload (the local store holds the JSON), with the settings of the store and the JSON's intent.
    private func withJSONStored(
        _ body: (ReportHarness, TemporaryFolder, PublishSettings, ReportUploadRequested) async throws -> Void
    ) async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let settings = settings(folder)
            let store = try #require(settings.objects as? LocalObjectStore)
            let intent = try await recordJSONIntent(h, outcome)
            let put = try await store.put(
                key: intent.address.key, body: outcome.document, contentType: "application/json")
            let uploaded = ReportUploaded(
                reportID: intent.reportID, address: intent.address, eTag: put.eTag, sha256: intent.sha256,
                size: intent.size)
            try await append(
                h, PublicationEvent.uploaded, uploaded.json, runID: intent.runID, key: uploaded.idempotencyKey)
            try await body(h, folder, settings, intent)
        }
    }

    @Test func aPublishedReportHasThreeConfirmedUploadsWhoseSHA256sAreTheBytesAtTheirKeys() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(
                ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002"], window: Self.day))
            let reportID = outcome.generated.reportID
            let settings = settings(folder)
            let publisher = publisher(h, settings)
            let result = try await publisher.publish(reportID: reportID)
            #expect(result.unfinished.isEmpty)
            let stem = "reports/dialer_2026-11-30_\(reportID)"
            let intents = try await payloads(h, PublicationEvent.uploadRequested).map {
                try ReportUploadRequested(json: $0)
            }
            let uploads = try await payloads(h, PublicationEvent.uploaded).map { try ReportUploaded(json: $0) }
            #expect(intents.map(\.representation) == [.json, .html, .csv])
            #expect(uploads.map(\.representation) == [.json, .html, .csv])
            #expect(uploads.map(\.address.key) == ["\(stem).json", "\(stem).html", "\(stem).csv"])
            #expect(
                intents.map(\.contentType) == [
                    "application/json", "text/html; charset=utf-8", "text/csv; charset=utf-8; header=present",
                ])
            #expect(intents.map(\.sha256) == uploads.map(\.sha256) && intents.map(\.size) == uploads.map(\.size))
            // What each key holds is what its events recorded, and the page and CSV are the report's own.
            let store = try #require(settings.objects as? LocalObjectStore)
            for uploaded in uploads {
                let bytes = try store.read(key: uploaded.address.key)
                #expect(SHA256Digest.of(bytes) == uploaded.sha256 && bytes.count == uploaded.size)
            }
            let report = try await RecordedReport.read(reportID: reportID, store: h.store)
            #expect(try store.read(key: "\(stem).html") == (try report.bytes(.html)))
            #expect(try store.read(key: "\(stem).csv") == (try report.bytes(.csv)))
            #expect(result.companions[.html]?.address.key == "\(stem).html")
            #expect(result.links[.html]?.url.contains("/objects/\(stem).html?") == true)
            let status = PublicationStatus(report.publication, maxEmailAttempts: 3)
            #expect(status.state == .published)
            #expect(status.json["objects"]?["html"]?.stringValue == "local://local/\(stem).html")
            #expect(status.json["objects"]?["csv"]?.stringValue == "local://local/\(stem).csv")
            // Publishing again stores nothing more.
            _ = try await publisher.publish(reportID: reportID)
            await #expect(try payloads(h, PublicationEvent.uploaded).count == 3)
            #expect(try await publisher.reconcile().isEmpty)
        }
    }

    @Test func aPublicationCutAfterTheJSONUploadIsFinishedWithThePageAndTheCSV() async throws {
        try await withJSONStored { h, folder, settings, intent in
            let store = try #require(settings.objects as? LocalObjectStore)
            let before = try await h.types().count

            let results = try await publisher(h, settings).reconcile()
            #expect(results.map(\.reportID) == [intent.reportID])
            #expect(results.first?.unfinished == [])
            await #expect(
                try h.types().dropFirst(before) == [
                    "ReportUploadRequested", "ReportUploaded", "ReportUploadRequested", "ReportUploaded",
                    "ReportLinkRequested", "ReportLinkIssued", "ReportEmailRequested", "ReportEmailAttempted",
                    "ReportEmailed",
                ])
            let report = try await RecordedReport.read(reportID: intent.reportID, store: h.store)
            let page = intent.address.companion(.html)
            #expect(try store.read(key: page.key) == (try report.bytes(.html)))
            #expect(try store.read(key: intent.address.companion(.csv).key) == (try report.bytes(.csv)))
            #expect(report.publication.companion(.html)?.uploaded?.sha256 == SHA256Digest.of(try report.bytes(.html)))
            // The e-mail links the page; the links live as long as the recorded plan says.
            let file = try #require(ReportPublisherTests.mailFiles(folder).first)
            let mail = try await CheckedMail(file: folder.appending("mail/\(file)"))
            let links = try #require(results.first?.links)
            #expect(mail.htmlLinks.first == links[.html]?.url)
            #expect(links[.html]?.expiresAt.milliseconds == Self.clock.now().milliseconds + 3_600_000)
            #expect(try await publisher(h, settings).reconcile().isEmpty)
        }
    }

    @Test func aPublicationEmailedBeforePagesWerePublishedGetsItsPageAndCSVAndNoSecondEmail() async throws {
        try await withJSONStored { h, folder, settings, intent in
            // A log written before the page and the CSV were published: the JSON stored, linked and e-mailed.
            var link = ReportLink(
                reportID: intent.reportID, address: intent.address, signedAt: Self.clock.now(), expiresIn: 3_600,
                expiresAt: nil)
            try await append(
                h, PublicationEvent.linkRequested, link.json, runID: intent.runID,
                key: link.idempotencyKey(issued: false))
            link.expiresAt = Timestamp(milliseconds: Self.clock.now().milliseconds + 3_600_000)
            try await append(
                h, PublicationEvent.linkIssued, link.json, runID: intent.runID, key: link.idempotencyKey(issued: true))
            let email = ReportEmailRequested(
                reportID: intent.reportID, recipient: "ops@example.com", from: "reports@example.com",
                subject: "Dialer report 2026-11-30 (1 campaign)", messageID: "<old@example.com>",
                bodySHA256: SHA256Digest.of([]))
            try await append(
                h, PublicationEvent.emailRequested, email.json, runID: intent.runID, key: email.idempotencyKey)
            let accepted = ReportEmailOutcome(
                reportID: intent.reportID, recipient: "ops@example.com", messageID: "<old@example.com>",
                result: .accepted, reply: "250 2.0.0 queued")
            try await append(
                h, ReportEmailed.storedType, accepted.json, runID: intent.runID, key: accepted.idempotencyKey)
            let before = PublicationStatus(
                try await RecordedReport.read(reportID: intent.reportID, store: h.store).publication,
                maxEmailAttempts: 3)
            #expect(before.state == .pending && before.detail == "the page and the CSV are not stored yet")

            let results = try await publisher(h, settings).reconcile()
            #expect(results.first?.unfinished == [])
            #expect(results.first?.companions.keys.sorted { $0.rawValue < $1.rawValue } == [.csv, .html])
            #expect(results.first?.emails.map(\.messageID) == ["<old@example.com>"])
            #expect(ReportPublisherTests.mailFiles(folder).isEmpty, "the e-mail was sent before: not again")
            await #expect(try payloads(h, PublicationEvent.linkIssued).count == 1)
            #expect(try await publisher(h, settings).reconcile().isEmpty)
        }
    }

    @Test func aResumedPageUploadWhoseBytesNoLongerMatchItsIntentIsNotUploaded() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let intent = try await recordJSONIntent(h, outcome)
            // A page intent recorded by a process whose renderer made other bytes.
            var page = intent
            page.representation = .html
            page.address = intent.address.companion(.html)
            page.contentType = ReportPage.mediaType
            page.sha256 = SHA256Digest.of(Array("<p>another renderer</p>".utf8))
            page.size = 23
            try await append(
                h, PublicationEvent.uploadRequested, page.json, runID: intent.runID, key: page.idempotencyKey)
            let settings = settings(folder)
            let result = try await publisher(h, settings).publish(reportID: intent.reportID)
            #expect(result.stored != nil)
            #expect(result.unfinished.count == 1)
            #expect(result.unfinished.first?.contains("the page rendered from the log now has") == true)
            #expect(!FileManager.default.fileExists(atPath: folder.appending("objects/\(page.address.key)")))
            #expect(ReportPublisherTests.mailFiles(folder).isEmpty)
        }
    }

    @Test func anotherObjectAtThePageKeyIsRefusedRecordedAndNeverOverwritten() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            let reportID = outcome.generated.reportID
            let settings = settings(folder)
            let store = try #require(settings.objects as? LocalObjectStore)
            let stem = "reports/dialer_2026-11-30_\(reportID)"
            let other = Array("<p>someone else's page</p>".utf8)
            _ = try await store.put(key: "\(stem).html", body: other, contentType: ReportPage.mediaType)
            let result = try await publisher(h, settings).publish(reportID: reportID)
            #expect(result.stored != nil)
            #expect(result.unfinished.count == 1)
            #expect(
                result.unfinished.first?.hasPrefix("upload of the page to local://local/\(stem).html failed") == true)
            #expect(result.unfinished.first?.contains("a published key is never overwritten") == true)
            #expect(try store.read(key: "\(stem).html") == other)
            let failures = try await payloads(h, PublicationEvent.uploadFailed).map { try ReportUploadFailed(json: $0) }
            #expect(failures.map(\.representation) == [.html])
            #expect(failures.first?.address.key == "\(stem).html")
            // Nothing after the refusal: no CSV, no link, no e-mail that would link a page that is not the report's.
            #expect(!FileManager.default.fileExists(atPath: folder.appending("objects/\(stem).csv")))
            #expect(ReportPublisherTests.mailFiles(folder).isEmpty)
            await #expect(try payloads(h, PublicationEvent.linkRequested).isEmpty)
            let status = PublicationStatus(
                try await RecordedReport.read(reportID: reportID, store: h.store).publication, maxEmailAttempts: 3)
            #expect(status.state == .uploadFailed)
            #expect(status.detail.hasPrefix("the page: "))
        }
    }

    @Test func theEmailIsTextAndHTMLWithTheHeadlineNumbersTheSummariesAndTheThreeLinks() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let outcome = try await h.runner.run(
                ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002", "UNKNOWN_9"], window: Self.day))
            let reportID = outcome.generated.reportID
            let result = try await publisher(h, settings(folder)).publish(reportID: reportID)
            #expect(result.unfinished.isEmpty)
            let file = folder.appending("mail/\(try #require(ReportPublisherTests.mailFiles(folder).first))")
            let mail = try await CheckedMail(file: file)
            #expect(mail.problems == "")
            #expect(mail.subject == "Dialer report 2026-11-30 (2 of 3 campaigns; UNKNOWN_9 failed)")
            let (page, csv, json) = (result.links[.html]?.url, result.links[.csv]?.url, result.links[.json]?.url)
            #expect(mail.htmlLinks == [page, page, csv, json].compactMap { $0 })
            #expect(mail.textLinks == [page, csv, json].compactMap { $0 })
            // The numbers are in both parts, as the view gives them.
            let report = try await RecordedReport.read(reportID: reportID, store: h.store)
            let view = try ReportView(report.content, sha256: report.generated.sha256)
            let decimals = view.ruleSet.rateDecimals
            let total = view.total
            let figures = [
                ("Attempts", ReportText.count(total.counts.attempted)),
                ("Connects", ReportText.count(total.counts.connected)),
                ("Contact rate", ReportText.percent(total.rates.contactRate, decimals: decimals)),
                ("Abandonment rate", ReportText.percent(total.rates.abandonmentRate, decimals: decimals)),
                (
                    "Compliance abandonment rate",
                    "\(ReportText.percent(total.rates.complianceAbandonmentRate, decimals: decimals)), "
                        + "compliance \(view.verdict.text)"
                ),
            ]
            #expect(total.counts.attempted > 0)
            for (label, value) in figures {
                #expect(mail.htmlText.contains("\(label) \(value)"), "\(label) \(value) not in \(mail.htmlText)")
                #expect(mail.text.contains("\n  \(label): \(value)"))
            }
            for campaign in view.campaigns {
                #expect(mail.htmlText.contains(view.summary(campaign)))
                #expect(mail.text.contains(view.summary(campaign)))
            }
            #expect(mail.htmlText.contains("UNKNOWN_9"))
            #expect(mail.text.contains("UNKNOWN_9: \(try #require(view.failed.first?.reason))"))
            // The intent's body SHA-256 covers the whole body sent (both parts and their boundaries).
            let raw = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let sent = String(decoding: raw, as: UTF8.self)
            let body = try #require(sent.range(of: "\r\n\r\n")).upperBound
            let intent = try await ReportEmailRequested(
                json: try #require(try payloads(h, PublicationEvent.emailRequested).first))
            #expect(intent.bodySHA256 == SHA256Digest.of(Array(sent[body...].utf8)))
        }
    }

    @Test func theEmailOfAFixedSeedIsTheGoldenOne() async throws {
        try await ReportHarness.with { h in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var request = ReportRequest(
                campaigns: ["CAMPAIGN_001", "CAMPAIGN_002", "CAMPAIGN_003", "UNKNOWN_9"], window: Self.day)
            request.timeZone = "Europe/Paris"
            let outcome = try await h.runner.run(request)
            _ = try await publisher(h, settings(folder)).publish(reportID: outcome.generated.reportID)
            let file = try #require(ReportPublisherTests.mailFiles(folder).first)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder.appending("mail/\(file)"))))
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Golden/mail-seed1.eml")
            // tools/update-goldens writes the new bytes instead; its diff is then checked by eye.
            if ProcessInfo.processInfo.environment["DIALER_LEDGER_UPDATE_GOLDENS"] == "1" {
                try Data(bytes).write(to: path)
            }
            #expect(
                bytes == Array(try Data(contentsOf: path)),
                "differs from Golden/mail-seed1.eml; regenerate it only after checking the change by eye")
            #expect((try await CheckedMail(file: path.path)).problems == "")
        }
    }
}
