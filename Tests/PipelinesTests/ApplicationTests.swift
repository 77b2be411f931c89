import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import EventLog
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Pipelines

/// The composition root: `buildApplication` puts the parts together on one clock and one logger, builds only
/// what is needed, and runs them as one service group that closes what it opened however it ends.
@Suite struct ApplicationTests {
    /// The manual clock as the application's clock; waits are real (and cut short by a shutdown).
    struct TestClock: CXoneClock {
        let manual: ManualClock
        func now() -> Timestamp { manual.now() }
        func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
    }

    /// What happened, in order.
    final class Journal: Sendable {
        private let lines = Mutex<[String]>([])
        func note(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A service standing in for the HTTP server: notes when it starts and when it stops.
    struct FakeServer: Service {
        let journal: Journal
        let started: AsyncStream<Void>.Continuation
        func run() async throws {
            journal.note("server started")
            started.yield()
            try? await gracefulShutdown()
            journal.note("server stopped")
        }
    }

    /// Parts over an LMDB log in `folder` and the simulator, on `clock`; `journal` hears the tenant let go.
    private func parts(
        _ folder: TemporaryFolder, clock: ManualClock, journal: Journal, server: FakeServer? = nil
    ) -> ApplicationParts {
        let openStore: ApplicationParts.StoreOpener = { writable, now in
            try LMDBEventStore(path: folder.appending("log"), access: writable ? .readWrite : .readOnly, clock: now)
        }
        let connect: @Sendable () async throws -> CXoneTenant = {
            journal.note("tenant connected")
            var settings = SimulatorConfiguration()
            settings.campaigns = ["CAMPAIGN_001"]
            let simulator = try await CXoneSimulator.start(settings)
            let configuration = CXoneConfiguration(
                baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(settings.clientSecret),
                scopes: ["outbound:campaign:read"])
            return CXoneTenant(configuration: configuration, description: "simulator") {
                await simulator.stop()
                journal.note("tenant stopped")
            }
        }
        var parts = ApplicationParts(
            dataFolder: folder.path, openStore: openStore, connectCXone: connect, clock: TestClock(manual: clock),
            logger: ReportHarness.quiet)
        if let server { parts.server = { _ in server } }
        return parts
    }

    struct Boom: Error {}

    @Test func everyPartReadsTheOneClockAndAOneShotRunClosesTheClientWhateverTheTaskDoes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = ManualClock(try Timestamp(rfc3339: "2026-12-01T10:15:00Z"))
        let journal = Journal()
        let app = try await buildApplication(
            configuration: ServiceConfiguration(), parts: parts(folder, clock: clock, journal: journal),
            needs: [.writing, .cxone])
        let request = ReportRequest(
            campaigns: ["CAMPAIGN_001"],
            window: ReportWindow(
                start: try Timestamp(rfc3339: "2026-11-30T00:00:00Z"),
                end: try Timestamp(rfc3339: "2026-12-01T00:00:00Z")))
        await #expect(throws: Boom.self) {
            try await app.run { app in
                let outcome = try await app.reports!.run(request)
                #expect(outcome.generated.reportID.hasPrefix("rpt-20261201-101500-"), "\(outcome.generated.reportID)")
                throw Boom()
            }
        }
        let recorded = try await app.store.events().map(\.recordedAt)
        #expect(!recorded.isEmpty && recorded.allSatisfy { $0 == clock.now() }, "the log stamps the one clock")
        // The client was closed before the tenant was let go (a debug build traps on an HTTP client dropped open).
        #expect(journal.all == ["tenant connected", "tenant stopped"])
    }

    @Test func aReadingApplicationOpensNoLogAndConnectsToNoCXone() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = Journal()
        let parts = parts(folder, clock: ManualClock(), journal: journal)
        await #expect(throws: (any Error).self) {
            _ = try await buildApplication(configuration: ServiceConfiguration(), parts: parts)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")), "reading never creates a log")
        let app = try await buildApplication(configuration: ServiceConfiguration(), parts: parts, needs: .writing)
        #expect(app.cxone == nil && app.reports == nil && app.publishing == nil && app.cronRunner == nil)
        #expect(try await app.run { try await $0.store.lastSequence() } == 0)
        #expect(journal.all.isEmpty)
    }

    @Test func servingRunsEveryServiceAndAGracefulShutdownStopsThemInReverseOrder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = Journal()
        let (started, continuation) = AsyncStream<Void>.makeStream()
        let app = try await buildApplication(
            configuration: ServiceConfiguration(),
            parts: parts(
                folder, clock: ManualClock(), journal: journal,
                server: FakeServer(journal: journal, started: continuation)), needs: .serving)
        #expect(app.cronRunner != nil && app.publishing != nil && app.reports != nil)
        let group = ServiceGroup(configuration: .init(services: [app], logger: ReportHarness.quiet))
        let running = Task { try await group.run() }
        for await _ in started { break }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(journal.all == ["tenant connected", "server started", "server stopped", "tenant stopped"])
    }
}
