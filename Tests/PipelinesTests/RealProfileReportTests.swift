import CXone
import CXoneSimulator
import DialerCore
import Foundation
import Testing

@testable import Pipelines

/// Report runs under the real profile (`cxone`): the Reporting API's dialer-contacts pages recorded as
/// received, derived through the mapping, replayed and re-derived as seed pages are.
@Suite struct RealProfileReportTests {
    static let request = ReportRequest(campaigns: ["CAMPAIGN_001", "CAMPAIGN_002"], window: ReportRunTests.day)

    /// The report document of `request` under `profile`, replayed as recorded and re-derived under zero-fill.
    private static func report(_ profile: SimulatorProfile) async throws -> (
        document: [UInt8], replay: ReportReplay, pages: [MetricPageFetched], log: [UInt8]
    ) {
        var result: ([UInt8], ReportReplay, [MetricPageFetched], [UInt8])?
        try await ReportHarness.with(profile: profile) { h in
            let outcome = try await h.runner.run(Self.request)
            let (replay, pages, log) = try await h.store.withSnapshot { snapshot in
                guard
                    case .replayed(let replay) = try ReportReplay.replay(
                        nil, asOf: nil, rules: RuleSet.zeroFill, snapshot: snapshot)
                else { throw CancellationError() }
                var pages: [MetricPageFetched] = []
                var log: [UInt8] = []
                try snapshot.scanInPlace(EventQuery()) { view in
                    log += Array(view.payloadBytes)
                    if view.type == ReportEvent.pageFetched { pages.append(try MetricPageFetched(view)) }
                    return true
                }
                return (replay, pages, log)
            }
            result = (outcome.document, replay, pages, log)
        }
        return try #require(result)
    }

    @Test func aRealProfileReportIsTheSeedProfilesReportAndReplaysByteForByte() async throws {
        let real = try await Self.report(.cxone)
        let seed = try await Self.report(.seed)
        #expect(real.pages.allSatisfy { $0.dialerContacts?.responses.count == 1 && $0.rows.isEmpty })
        #expect(real.pages.first?.dialerContacts?.seen?["interval_minutes"] == 15)
        #expect(real.replay.matchesRecording, "replayed as recorded, byte for byte")
        #expect(real.document == seed.document, "the simulator's quarter hours sum to the seed's hours")
        let rederived = try #require(real.replay.rederived)
        #expect(rederived.chart != real.document, "zero-fill changes the filled hours")
        #expect(rederived.chart == seed.replay.rederived?.chart)
        #expect(rederived.diff.json == seed.replay.rederived?.diff.json)
    }

    @Test func secretsAndTokensNeverReachTheLog() async throws {
        let real = try await Self.report(.cxone)
        let text = String(decoding: real.log, as: UTF8.self)
        let simulated = SimulatorConfiguration()
        for secret in [simulated.accessKeySecret, simulated.clientSecret, "access_token", "refresh_token", "Bearer"] {
            #expect(!text.contains(secret))
        }
    }

    @Test func scheduleRunIsRefusedUnderTheRealProfile() throws {
        var configuration = CXoneConfiguration(
            baseURL: "https://cxone.niceincontact.com", clientID: "app", clientSecret: Secret("s"), scopes: [])
        #expect(throws: Never.self) { try SchedulingRefusal.check(configuration) }
        configuration.profile = .cxone
        let refusal = try #require(throws: SchedulingRefusal.self) { try SchedulingRefusal.check(configuration) }
        #expect(refusal.description.contains("starting and stopping a Personal Connection skill"))
        #expect(refusal.description.contains("uploading call lists"))
        #expect(refusal.category == .invalid(field: "CXONE_PROFILE"))
    }
}
