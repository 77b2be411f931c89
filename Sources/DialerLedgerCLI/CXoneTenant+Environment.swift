import CXone
import CXoneSimulator
import DialerCore
import Foundation
import Pipelines

extension CXoneTenant {
    /// The campaigns the embedded simulator has; other ids are answered 404, as a real tenant would.
    static let embeddedCampaigns = (1...10).map { "CAMPAIGN_" + String(format: "%03d", $0) }

    /// The tenant the `CXONE_*` variables describe, or, with `CXONE_BASE_URL` unset, the embedded simulator
    /// started in this process on loopback (stopped with the application).
    static func from(environment: [String: String]) async throws -> CXoneTenant {
        if let configuration = try CXoneConfiguration(environment: environment) {
            return CXoneTenant(configuration: configuration, description: "CXone: \(configuration.baseURL)")
        }
        var settings = SimulatorConfiguration()
        settings.campaigns = Set(embeddedCampaigns)
        let simulator = try await CXoneSimulator.start(settings)
        let configuration = CXoneConfiguration(
            baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(settings.clientSecret),
            scopes: ["outbound:campaign:read"])
        return CXoneTenant(
            configuration: configuration,
            description:
                "CXone: embedded simulator at \(simulator.baseURL) (CXONE_BASE_URL unset; campaigns "
                + "CAMPAIGN_001…CAMPAIGN_010)",
            stop: { await simulator.stop() })
    }
}
