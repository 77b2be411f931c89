import CXone
import CXoneSimulator
import DialerCore
import Foundation
import Pipelines

extension CXoneTenant {
    /// The campaigns the embedded simulator has; other ids are answered 404, as a real tenant would.
    static let embeddedCampaigns = (1...10).map { "CAMPAIGN_" + String(format: "%03d", $0) }

    /// The tenant the `CXONE_*` variables describe (in the profile `CXONE_PROFILE`, else `profile`, the
    /// configuration file's), or, when they name none, the embedded simulator speaking that profile, started
    /// in this process on loopback (stopped with the application).
    static func from(environment: [String: String], profile: String = "seed") async throws -> CXoneTenant {
        if let configuration = try CXoneConfiguration(environment: environment, profile: profile) {
            let address = configuration.profile == .cxone ? configuration.issuer : configuration.baseURL
            return CXoneTenant(configuration: configuration, description: "CXone: \(address)")
        }
        let real = (environment["CXONE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? profile) == "cxone"
        var settings = SimulatorConfiguration()
        settings.campaigns = Set(embeddedCampaigns)
        settings.profile = real ? .cxone : .seed
        let simulator = try await CXoneSimulator.start(settings)
        var configuration = CXoneConfiguration(
            baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(settings.clientSecret),
            scopes: real ? [] : ["outbound:campaign:read"])
        if real {
            configuration.profile = .cxone
            configuration.issuer = simulator.baseURL
            configuration.accessKeyID = settings.accessKeyID
            configuration.accessKeySecret = Secret(settings.accessKeySecret)
            configuration.maxReportHours = 7 * 24
        }
        let unset = real ? "CXONE_ACCESS_KEY_ID unset; cxone profile" : "CXONE_BASE_URL unset"
        return CXoneTenant(
            configuration: configuration,
            description:
                "CXone: embedded simulator at \(simulator.baseURL) (\(unset); campaigns CAMPAIGN_001…CAMPAIGN_010)",
            stop: { await simulator.stop() })
    }
}
