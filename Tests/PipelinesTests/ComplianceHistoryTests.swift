import CXone
import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

@testable import Pipelines

/// The compliance section of real runs: its rolling windows read every run's pages the log holds as of
/// the report, and a replay reads the same bounded history. Expected values worked by hand below.
@Suite struct ComplianceHistoryTests {
    private static let hourMs: Int64 = 3_600_000
    private static let day = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z
    private static let month = ReportWindow(
        start: Timestamp(milliseconds: day.milliseconds - 720 * hourMs), end: day)
    private static let nextDay = ReportWindow(start: day, end: Timestamp(milliseconds: day.milliseconds + 24 * hourMs))

    /// Answers every hour of the window asked for with 100 attempts, `connected` live answers and
    /// `abandoned` abandons.
    struct EveryHourSource: CampaignReportSource {
        var connected: Int64
        var abandoned: Int64

        func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
            let step = ComplianceHistoryTests.hourMs
            let hours = (end.milliseconds - start.milliseconds) / step
            let rows: [JSONValue] = (0..<hours).map { (hour: Int64) -> JSONValue in
                [
                    "date": .string(Timestamp(milliseconds: start.milliseconds + hour * step).rfc3339),
                    "calls_attempted": 100, "calls_connected": .int(connected), "abandoned": .int(abandoned),
                    "avg_talk_time": 90,
                ]
            }
            return MetricPage(campaignID: campaignID, request: "/report", status: 200, rows: rows)
        }
    }

    private static func runner(_ store: any EventStore, connected: Int64, abandoned: Int64) -> ReportRunner {
        var limits = ReportLimits()
        limits.stagger = .zero
        return ReportRunner(
            store: store, source: EveryHourSource(connected: connected, abandoned: abandoned), limits: limits,
            now: { Timestamp(milliseconds: 1_796_000_000_000) }, logger: ReportHarness.quiet)
    }

    private static func compliance(_ document: [UInt8]) throws -> JSONValue {
        guard case .array(let campaigns)? = try JSONParser.parse(document)["campaigns"],
            let compliance = campaigns.first?["compliance"]
        else { throw DialerCoreError.invalidField(field: "campaigns", reason: "missing") }
        return compliance
    }

    @Test func oneDayAloneGivesTheThirtyDayWindowNoVerdict() async throws {
        let store = InMemoryEventStore(clock: { Timestamp(milliseconds: 1_796_000_000_000) })
        let outcome = try await Self.runner(store, connected: 49, abandoned: 1)
            .run(ReportRequest(campaigns: ["C1"], window: Self.nextDay))
        let compliance = try Self.compliance(outcome.document)
        // 24 hours of 720 in every 30-day window: 3 %, not 90 %.
        let month = try #require(compliance["rolling_30d"])
        #expect(month["verdict"] == "insufficient_data" && month["breach"] == false)
        #expect(month["windows"] == 24 && month["windows_covered"] == 0)
        // The 24-hour windows ending at 22:00, 23:00 and 24:00 hold 22, 23 and 24 observed hours:
        // 1 / 50 = 0.02 each, a pass.
        let day = try #require(compliance["rolling_24h"])
        #expect(day["verdict"] == "pass" && day["windows_covered"] == 3 && day["rate"] == 0.02)
    }

    @Test func aMonthOfEarlierRunsGivesTheThirtyDayWindowAVerdict() async throws {
        let store = InMemoryEventStore(clock: { Timestamp(milliseconds: 1_796_000_000_000) })
        let runner = Self.runner(store, connected: 49, abandoned: 1)
        _ = try await runner.run(ReportRequest(campaigns: ["C1"], window: Self.month))
        let outcome = try await runner.run(ReportRequest(campaigns: ["C1"], window: Self.nextDay))
        // Every 30-day window ending in the report has all 720 hours (719 or fewer from the earlier run):
        // 720 abandons of 720 × 50 = 36,000 answers, 0.02; the first is shown (ties: the earliest).
        let month = try #require(try Self.compliance(outcome.document)["rolling_30d"])
        #expect(month["verdict"] == "pass" && month["breach"] == false)
        #expect(month["windows"] == 24 && month["windows_covered"] == 24)
        #expect(month["observed_hours"] == 720 && month["abandoned"] == 720 && month["answered"] == 36_000)
        #expect(month["rate"] == 0.02 && month["window_end"] == "2026-11-24T01:00:00.000Z")
    }

    @Test func aReplayOfAnEarlierReportAfterALaterRunIsByteIdentical() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try LMDBEventStore(path: folder.appending("log"))
        let calm = Self.runner(store, connected: 49, abandoned: 1)
        _ = try await calm.run(ReportRequest(campaigns: ["C1"], window: Self.month))
        let earlier = try await calm.run(ReportRequest(campaigns: ["C1"], window: Self.nextDay))
        // A later run observes the same day again, now 5 of 50 answers abandoned: the newest observation wins.
        let later = try await Self.runner(store, connected: 45, abandoned: 5)
            .run(ReportRequest(campaigns: ["C1"], window: Self.nextDay))
        // Its 24-hour window ending at 24:00 is the new day alone: 120 / 1,200 = 0.1, a breach; its 30-day
        // windows mix: at 24:00, 696 hours at 1 abandon and 24 at 5, 816 / 36,000 = 0.022667.
        let laterCompliance = try Self.compliance(later.document)
        #expect(laterCompliance["rolling_24h"]?["rate"] == 0.1)
        #expect(laterCompliance["rolling_24h"]?["verdict"] == "breach")
        #expect(laterCompliance["rolling_24h"]?["window_end"] == "2026-11-25T00:00:00.000Z")
        #expect(laterCompliance["rolling_30d"]?["rate"] == 0.0227)
        #expect(laterCompliance["rolling_30d"]?["abandoned"] == 816)
        #expect(laterCompliance["rolling_30d"]?["verdict"] == "pass")

        // The earlier report, replayed after the later run, reads history only through its as-of point.
        let (asRecorded, rederived) = try await store.withSnapshot { snapshot in
            guard
                case .replayed(let recorded) = try ReportReplay.replay(
                    earlier.generated.reportID, asOf: nil, rules: nil, snapshot: snapshot),
                case .replayed(let zeroFill) = try ReportReplay.replay(
                    earlier.generated.reportID, asOf: nil, rules: .zeroFill, snapshot: snapshot)
            else { throw DialerCoreError.invalidField(field: "report", reason: "not found") }
            return (recorded, zeroFill)
        }
        #expect(asRecorded.recorded == earlier.document)
        #expect(asRecorded.matchesRecording)
        let chart = try #require(rederived.rederived?.chart)
        #expect(try Self.compliance(chart) == (try Self.compliance(earlier.document)), "the same bounded history")
        #expect(try Self.compliance(earlier.document)["rolling_24h"]?["rate"] == 0.02)
    }
}
