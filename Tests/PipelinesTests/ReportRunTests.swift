import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import EventLog
import Foundation
import Logging
import Synchronization
import Testing

@testable import Pipelines

/// Report runs against the simulator over loopback, into a real LMDB log.
@Suite struct ReportRunTests {
    static let day = ReportWindow(
        start: Timestamp(milliseconds: 1_796_000_400_000 - 1_796_000_400_000 % 86_400_000),
        end: Timestamp(milliseconds: 1_796_000_400_000 - 1_796_000_400_000 % 86_400_000 + 86_400_000))

    @Test func aRunRecordsPagesHoursAndTheReportAndReplaysByteForByte() async throws {
        try await ReportHarness.with { h in
            var request = ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002"], window: Self.day)
            request.timeZone = "America/New_York"
            let outcome = try await h.runner.run(request)
            #expect(outcome.generated.failed.isEmpty)
            #expect(outcome.generated.sha256 == SHA256Digest.of(outcome.document))
            let types = try await h.types()
            #expect(types.filter { $0 == ReportEvent.intervalDerived }.count == 48, "24 hours × 2 campaigns")
            #expect(types.filter { $0 == ReportEvent.pageFetched }.count == 2)
            #expect(types.first == ReportEvent.ruleSetActivated && types.last == ReportEvent.generated)
            let replayed = try await h.store.withSnapshot { snapshot in
                let (generated, _) = try #require(try RecordedRun.report(nil, snapshot: snapshot, throughSeq: .max))
                let run = try RecordedRun(runID: generated.runID, snapshot: snapshot, throughSeq: generated.asOfSeq)
                return try run.chart(asOfSeq: generated.asOfSeq).bytes
            }
            #expect(SHA256Digest.of(replayed) == outcome.generated.sha256)
        }
    }

    @Test func theChartThePageAndTheCSVOfAFixedSeedAreTheGoldenOnes() async throws {
        try await ReportHarness.with { h in
            var request = ReportRequest(
                campaigns: ["CAMPAIGN_001", "CAMPAIGN_002", "CAMPAIGN_003", "UNKNOWN_9"], window: Self.day)
            request.timeZone = "Europe/Paris"
            let outcome = try await h.runner.run(request)
            let content = outcome.run.content(asOfSeq: outcome.generated.asOfSeq)
            for (format, name) in [
                (ReportFormat.json, "chart-seed1.json"), (.html, "page-seed1.html"), (.csv, "page-seed1.csv"),
            ] {
                let bytes = try format.render(chart: outcome.document, content: content)
                let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                    .appendingPathComponent("Golden/\(name)")
                // tools/update-goldens writes the new bytes instead; its diff is then checked by eye.
                if ProcessInfo.processInfo.environment["DIALER_LEDGER_UPDATE_GOLDENS"] == "1" {
                    try Data(bytes).write(to: path)
                }
                let golden = Array(try Data(contentsOf: path))
                #expect(
                    SHA256Digest.of(bytes) == SHA256Digest.of(golden),
                    "differs from Golden/\(name); regenerate it only after checking the change by eye")
                #expect(try format.render(chart: outcome.document, content: content) == bytes, "rendered twice")
            }
        }
    }

    @Test func oneFailingCampaignDoesNotSinkTheOthers() async throws {
        try await ReportHarness.with(retries: 2) { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 503, count: 2))
            let request = ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002", "UNKNOWN_9"], window: Self.day)
            var limits = ReportLimits()
            limits.concurrency = 1
            let outcome = try await h.runner(limits: limits).run(request)
            let failures = outcome.run.failures
            #expect(failures["UNKNOWN_9"]?.status == 404)
            #expect(failures["UNKNOWN_9"]?.reason.contains(#"no campaign \"UNKNOWN_9\""#) == true)
            #expect(failures["CAMPAIGN_001"]?.reason.contains("gave up after 2 attempts") == true)
            #expect(failures["CAMPAIGN_001"]?.attempts == 2)
            #expect(outcome.generated.failed == ["CAMPAIGN_001", "UNKNOWN_9"])
            #expect(outcome.run.reportedCampaigns == ["CAMPAIGN_002"])
            let chart = try JSONParser.parse(outcome.document)
            guard case .array(let failed)? = chart["failed"], case .array(let shown)? = chart["campaigns"] else {
                throw CancellationError()
            }
            #expect(failed.compactMap { $0["campaign_id"]?.stringValue } == ["CAMPAIGN_001", "UNKNOWN_9"])
            #expect(shown.compactMap { $0["campaign_id"]?.stringValue } == ["CAMPAIGN_002"])
        }
    }

    @Test func aMalformed200IsRetriedAndPersistentOnesFailWithStatus200() async throws {
        try await ReportHarness.with(retries: 3) { h in
            h.simulator.script(ScriptedFault(endpoint: .report, status: 200, body: "<<not json"))
            let once = try await h.runner.run(ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day))
            #expect(once.run.failures.isEmpty)
            #expect(once.run.reportedCampaigns == ["CAMPAIGN_001"])
            h.simulator.script(ScriptedFault(endpoint: .report, status: 200, body: "<<not json", count: 3))
            var limits = ReportLimits()
            limits.concurrency = 1
            let always = try await h.runner(limits: limits, startingAt: 1_796_000_001_000).run(
                ReportRequest(campaigns: ["CAMPAIGN_002", "CAMPAIGN_003"], window: Self.day))
            let failure = try #require(always.run.failures["CAMPAIGN_002"])
            #expect(failure.status == 200)
            #expect(failure.attempts == 3)
            #expect(failure.reason.hasPrefix("CXone campaign report gave up after 3 attempts (the attempt limit)"))
            #expect(failure.reason.contains("last answer: HTTP 200 with a body that is not what the API documents"))
            #expect(always.generated.failed == ["CAMPAIGN_002"])
            #expect(h.simulator.requests().filter { $0.endpoint == .report }.count == 2 + 3 + 1)
        }
    }

    @Test func aRowOfTheWrongShapeIsRecordedAndFailsItsCampaignByName() async throws {
        try await ReportHarness.with { h in
            let rows = #"[{"date":"2026-11-30T10:00:00Z","calls_attempted":"many","calls_connected":1,"abandoned":0}]"#
            h.simulator.script(ScriptedFault(endpoint: .report, status: 200, body: rows))
            var limits = ReportLimits()
            limits.concurrency = 1
            let outcome = try await h.runner(limits: limits).run(
                ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002"], window: Self.day))
            let reason = try #require(outcome.run.failures["CAMPAIGN_001"]?.reason)
            #expect(reason.contains("rows[0].calls_attempted: must be a number"))
            #expect(try outcome.run.page("CAMPAIGN_001")?.rows.count == 1, "the page is kept as received")
            #expect(outcome.generated.failed == ["CAMPAIGN_001"])
            #expect(outcome.run.intervals["CAMPAIGN_001"] == nil && outcome.run.intervals["CAMPAIGN_002"]?.count == 24)
        }
    }

    private static func request(from start: String, to end: String, zone: String) throws -> ReportRequest {
        let window = ReportWindow(start: try Timestamp(rfc3339: start), end: try Timestamp(rfc3339: end))
        var request = ReportRequest(campaigns: ["A"], window: window)
        request.timeZone = zone
        return request
    }

    @Test func badInputIsRefusedByNameAndRecordsNothing() async throws {
        try await ReportHarness.with { h in
            let backwards = ReportWindow(start: Self.day.end, end: Self.day.start)
            let cases: [(ReportRequest, String)] = [
                (ReportRequest(campaigns: [], window: Self.day), "campaigns"),
                (ReportRequest(campaigns: ["A", "A"], window: Self.day), "campaigns[1]"),
                (ReportRequest(campaigns: ["A"], window: backwards), "window.end"),
                (
                    ReportRequest(
                        campaigns: ["A"],
                        window: ReportWindow(
                            start: Self.day.start,
                            end: Timestamp(milliseconds: Self.day.start.milliseconds + 32 * 86_400_000))),
                    "window"
                ),
                (
                    {
                        var request = ReportRequest(campaigns: ["A"], window: Self.day)
                        request.timeZone = "Mars/Olympus"
                        return request
                    }(), "time_zone"
                ),
                // The last hour would be labelled 10000-01-01T08:00:00+09:00 in Tokyo.
                (
                    try Self.request(from: "9999-12-31T00:00:00Z", to: "9999-12-31T23:59:59Z", zone: "Asia/Tokyo"),
                    "window.end"
                ),
                (
                    try Self.request(
                        from: "0000-01-01T00:00:00Z", to: "0000-01-02T00:00:00Z", zone: "America/New_York"),
                    "window.start"
                ),
            ]
            for (request, field) in cases {
                do {
                    _ = try await h.runner.run(request)
                    Issue.record("\(field): accepted")
                } catch let DialerCoreError.invalidField(named, _) {
                    #expect(named == field)
                }
            }
            #expect(try await h.store.lastSequence() == 0)
            #expect(h.simulator.requests().isEmpty)
        }
    }

    @Test func aRuleSetIsRecordedOncePerContent() async throws {
        try await ReportHarness.with { h in
            let request = ReportRequest(campaigns: ["CAMPAIGN_001"], window: Self.day)
            _ = try await h.runner.run(request)
            _ = try await h.runner.run(request)
            var zero = request
            zero.ruleSet = .zeroFill
            _ = try await h.runner.run(zero)
            await #expect(try h.types().filter { $0 == ReportEvent.ruleSetActivated }.count == 2)
        }
    }

    @Test func requestStartsAreStaggered() async throws {
        try await ReportHarness.with { h in
            var limits = ReportLimits()
            limits.stagger = .milliseconds(150)
            limits.concurrency = 1
            let campaigns = (1...4).map { "CAMPAIGN_00\($0)" }
            _ = try await h.runner(limits: limits).run(ReportRequest(campaigns: campaigns, window: Self.day))
            let times = h.simulator.requests().filter { $0.endpoint == .report }.map(\.receivedAt.milliseconds)
            #expect(times.count == 4)
            for (earlier, later) in zip(times, times.dropFirst()) { #expect(later - earlier >= 150) }
        }
    }

    @Test func requestsInFlightAreBounded() async throws {
        try await ReportHarness.with(slowMilliseconds: 300) { h in
            var limits = ReportLimits()
            limits.stagger = .milliseconds(1)
            limits.concurrency = 2
            let campaigns = (1...6).map { "CAMPAIGN_00\($0)" }
            _ = try await h.runner(limits: limits).run(ReportRequest(campaigns: campaigns, window: Self.day))
            let times = h.simulator.requests().filter { $0.endpoint == .report }.map(\.receivedAt.milliseconds)
            #expect(times.count == 6)
            // Each answer takes 300 ms; with two in flight, a third starts only after the first answered.
            for (first, third) in zip(times, times.dropFirst(2)) { #expect(third - first >= 290) }
        }
    }
}

/// An application built by `buildApplication` over a simulator (seed 1, campaigns CAMPAIGN_001…010) and an LMDB
/// log in a temporary folder, running while the test runs; and a runner with a fixed clock and sequential ids.
struct ReportHarness {
    let app: LedgerApplication
    let simulator: CXoneSimulator
    var client: CXoneClient { app.cxone! }
    var store: any EventStore { app.store }
    let runner: ReportRunner

    /// A runner within `limits` whose report ids read the fixed instant `millisecond` (the goldens'), with
    /// sequential ids.
    func runner(limits: ReportLimits = ReportLimits(), startingAt millisecond: Int64 = 1_796_000_000_000)
        -> ReportRunner
    {
        ReportRunner(
            store: store, source: client, limits: limits, now: { Timestamp(milliseconds: millisecond) },
            makeID: Self.sequentialIDs(from: Int(millisecond % 1_000_000)), logger: Self.quiet)
    }

    /// Discards the runner's warnings (tests read failures from the outcome).
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The type of every event in the log, in order.
    func types() async throws -> [String] {
        try await store.withSnapshot { snapshot in
            var types: [String] = []
            try snapshot.scanInPlace(EventQuery()) {
                types.append($0.type)
                return true
            }
            return types
        }
    }

    /// Runs `body` with a fresh harness; `simulatorNow` fixes the simulated tenant's clock and `clock` the
    /// application's; `profile` is the contract the simulator and the client speak.
    static func with(
        retries: Int = 5, slowMilliseconds: Int = 0, simulatorNow: (@Sendable () -> Timestamp)? = nil,
        clock: any CXoneClock = SystemCXoneClock(), profile: SimulatorProfile = .seed,
        _ body: (ReportHarness) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var settings = SimulatorConfiguration()
        settings.campaigns = Set((1...10).map { "CAMPAIGN_" + String(format: "%03d", $0) })
        settings.faults.slowMilliseconds = slowMilliseconds
        if let simulatorNow { settings.now = simulatorNow }
        settings.profile = profile
        let simulator = try await CXoneSimulator.start(settings)
        var configuration = CXoneConfiguration(
            baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(settings.clientSecret),
            scopes: ["outbound:campaign:read"])
        if profile == .cxone {
            configuration.profile = .cxone
            configuration.issuer = simulator.baseURL
            configuration.accessKeyID = settings.accessKeyID
            configuration.accessKeySecret = Secret(settings.accessKeySecret)
        }
        configuration.retry.maxAttempts = retries
        configuration.retry.baseDelay = .milliseconds(1)
        let tenant = CXoneTenant(configuration: configuration, description: "simulator") { await simulator.stop() }
        let parts = ApplicationParts(
            dataFolder: folder.path,
            openStore: { writable, now in
                try LMDBEventStore(path: folder.appending("log"), access: writable ? .readWrite : .readOnly, clock: now)
            }, connectCXone: { tenant }, clock: clock, logger: quiet)
        let app = try await buildApplication(
            configuration: ServiceConfiguration(), parts: parts, needs: [.writing, .cxone])
        var limits = ReportLimits()
        limits.stagger = .milliseconds(1)
        try await app.run { app in
            let harness = ReportHarness(
                app: app, simulator: simulator,
                runner: ReportRunner(
                    store: app.store, source: app.cxone!, limits: limits,
                    now: { Timestamp(milliseconds: 1_796_000_000_000) }, makeID: sequentialIDs(), logger: quiet))
            try await body(harness)
        }
    }

    /// Ids 00000000-0000-0000-0000-000000000001, …2, … (after `start`) in the order asked for.
    static func sequentialIDs(from start: Int = 0) -> @Sendable () -> UUID {
        let counter = Mutex(start)
        return {
            let next = counter.withLock {
                $0 += 1
                return $0
            }
            return UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", next))!
        }
    }
}
