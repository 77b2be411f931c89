import DialerCore
import DialerTesting
import Foundation
import Testing

/// Every stored type name has one `RecordedEvent` type and a schema; a stored event that does not read back
/// is a damaged log, never bad input.
@Suite struct RecordedEventTests {
    static let catalogue = RecordedEvents.all

    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private let now = Timestamp(milliseconds: 1_796_000_000_000)

    @Test func everyStoredNameHasOneTypeAndItsSchema() throws {
        let names = Self.catalogue.map { "\($0.storedType).v\($0.version)" }
        #expect(Set(names).count == names.count)
        let schemas = try FileManager.default.contentsOfDirectory(atPath: Self.root.path + "/Schemas/events")
            .filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) }
        #expect(Set(names) == Set(schemas))
    }

    /// The catalogue above misses no type: every stored name written in the core's sources is in it, and so
    /// is every name the streams' type lists use.
    @Test func theCatalogueHoldsEveryStoredNameOfTheSources() throws {
        let catalogued = Set(Self.catalogue.map { $0.storedType })
        var declared: Set<String> = []
        let sources = Self.root.path + "/Sources/DialerCore"
        let pattern = try Regex(#"static let storedType = "([A-Za-z.]+)""#)
        for case let file as String in FileManager.default.enumerator(atPath: sources)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in text.matches(of: pattern) { declared.insert(String(match.output[1].substring!)) }
        }
        #expect(declared == catalogued)
        let listed = Set(PublicationEvent.types + ScheduleEvent.types).union([
            ReportEvent.runStarted, ReportEvent.ruleSetActivated, ReportEvent.pageFetched, ReportEvent.fetchFailed,
            ReportEvent.intervalDerived, ReportEvent.generated, ReportEvent.runFailed, CronTickHandled.storedType,
        ])
        #expect(listed == catalogued)
    }

    @Test func aDraftTakesItsTypeVersionAndPayloadFromTheEvent() throws {
        let delivered = WebhookDelivered(deliveryID: "dlv_1", attempts: 2, status: 204)
        let draft = EventDraft(delivered, stream: "schedule:j", idempotencyKey: "k")
        #expect(draft.type == "WebhookDelivered")
        #expect(draft.version == 1)
        #expect(
            try draft.payload.canonical().bytes == Array(#"{"attempts":2,"delivery_id":"dlv_1","status":204}"#.utf8))
        #expect(try WebhookDelivered(json: delivered.json) == delivered)
    }

    @Test func aStoredPayloadThatDoesNotReadIsADamagedLogNamingItsSequence() async throws {
        let store = InMemoryEventStore(clock: { [now] in now })
        _ = try await store.append([
            EventDraft(type: "ReportGenerated", stream: "run:x", payload: ["report_id": "rpt-1", "size": "big"])
        ])
        let error = await #expect(throws: DialerCoreError.self) {
            try await store.withSnapshot { snapshot in
                try snapshot.scanInPlace(EventQuery()) { view in
                    _ = try ReportGenerated(view)
                    return true
                }
            }
        }
        #expect(error?.category == .corrupt)
        #expect("\(error!)".hasPrefix("log corrupt at seq 1: ReportGenerated payload."))
    }

    @Test func aReportWhoseBytesDoNotMatchTheirRecordedSHA256IsCorruptNotMissing() async throws {
        let sound = try await RecordedReportLog.make(at: now)
        #expect(try await RecordedReport.read(reportID: "rpt-1", store: sound).generated.reportID == "rpt-1")
        let missing = await #expect(throws: DialerCoreError.self) {
            try await RecordedReport.read(reportID: "rpt-2", store: sound)
        }
        #expect(missing == .notFound(what: "report", reason: "no report rpt-2 in the log"))
        let altered = try await RecordedReportLog.make(at: now, recording: Array("not the chart".utf8))
        let error = await #expect(throws: DialerCoreError.self) {
            try await RecordedReport.read(reportID: "rpt-1", store: altered)
        }
        #expect(error?.category == .corrupt)
        #expect("\(error!)".contains("rpt-1 rebuilt from the log does not match its recorded SHA-256"))
    }

    @Test func aRunWithAStoredHourThatDoesNotReadIsCorrupt() async throws {
        let error = await #expect(throws: DialerCoreError.self) {
            _ = try await RecordedReportLog.make(at: now, derived: ["campaign_id": "C1", "source": "guessed"])
        }
        #expect(error?.category == .corrupt)
        #expect("\(error!)".hasPrefix("log corrupt at seq 3: IntervalDerived payload.source"))
    }

    @Test func theInMemoryLogDrawsIdsFromTheSeedItIsGiven() async throws {
        func ids(seed: UInt64) async throws -> [UUID] {
            let store = InMemoryEventStore(clock: { [now] in now }, idSeed: seed)
            for _ in 0..<2 {
                _ = try await store.append([
                    EventDraft(WebhookDelivered(deliveryID: "d", attempts: 1, status: 200), stream: "s"),
                    EventDraft(WebhookDelivered(deliveryID: "e", attempts: 1, status: 200), stream: "s"),
                ])
            }
            return try await store.events().map(\.id)
        }
        let first = try await ids(seed: 7)
        #expect(Set(first).count == 4)
        #expect(try await ids(seed: 7) == first)
        #expect(try await ids(seed: 8) != first)
    }
}
