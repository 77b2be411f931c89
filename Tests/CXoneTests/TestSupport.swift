import CXone
import CXoneSimulator
import DialerCore
import DialerTesting
import Foundation
import Logging
import Synchronization

/// A client clock that starts at the wall clock, moves only when told, and records every sleep
/// instead of sleeping.
final class SteppingClock: CXoneClock {
    private let state: Mutex<(now: Timestamp, sleeps: [Duration])>

    init() {
        state = Mutex((SystemCXoneClock().now(), []))
    }

    func now() -> Timestamp { state.withLock { $0.now } }

    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now = Timestamp(milliseconds: $0.now.milliseconds + Int64(duration.components.seconds) * 1000)
        }
    }

    /// Every sleep asked for, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves the clock on by `seconds`.
    func advance(seconds: Int64) { state.withLock { $0.now.milliseconds += seconds * 1000 } }
}

/// A running simulator and a client pointed at it, stopped together.
struct Harness {
    static let secret = "sim-secret-Zq9"

    let simulator: CXoneSimulator
    let client: CXoneClient
    let clock: SteppingClock
    let log: LogCapture

    /// Runs `body` with a simulator (configured by `simulator`) and a client (configured by `client`).
    static func with(
        simulator configureSimulator: (inout SimulatorConfiguration) -> Void = { _ in },
        client configureClient: (inout CXoneConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        var settings = SimulatorConfiguration()
        settings.clientSecret = secret
        configureSimulator(&settings)
        let simulator = try await CXoneSimulator.start(settings)
        var configuration = CXoneConfiguration(
            baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(secret),
            scopes: ["outbound:campaign:write", "analytics:read"])
        configuration.retry.baseDelay = .milliseconds(100)
        configureClient(&configuration)
        let clock = SteppingClock()
        let log = LogCapture()
        let client = CXoneClient(configuration: configuration, clock: clock, unitRandom: { 0.5 }, logger: log.logger)
        let harness = Harness(simulator: simulator, client: client, clock: clock, log: log)
        do {
            try await body(harness)
        } catch {
            try? await client.shutdown()
            await simulator.stop()
            throw error
        }
        try await client.shutdown()
        await simulator.stop()
    }

    /// The simulator's records of requests to `endpoint`.
    func requests(_ endpoint: SimulatedEndpoint) -> [SimulatorRequest] {
        simulator.requests().filter { $0.endpoint == endpoint }
    }

    /// A report call for a fixed day.
    @discardableResult
    func report(_ campaign: String = "C1") async throws -> MetricPage {
        try await client.campaignReport(campaignID: campaign, start: Self.day, end: Self.day.adding(hours: 24))
    }

    static let day = Timestamp(milliseconds: 1_795_996_800_000)  // 2026-11-30T00:00:00Z
}

extension Timestamp {
    func adding(hours: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + hours * 3_600_000) }
}

/// A schedule body starting tomorrow.
func scheduleBody(campaign: String, contacts: Int, zone: String = "America/New_York") -> JSONValue {
    let start = Timestamp(milliseconds: (Int64(Date().timeIntervalSince1970) / 3600 + 24) * 3_600_000)
    return [
        "campaignId": .string(campaign), "startTime": .string(start.rfc3339Seconds),
        "endTime": .string(start.adding(hours: 4).rfc3339Seconds), "timezone": .string(zone),
        "scheduleType": "ONE_TIME", "contactCount": .int(Int64(contacts)),
    ]
}
