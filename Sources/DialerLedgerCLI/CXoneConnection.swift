import CXone
import CXoneSimulator
import DialerCore
import Foundation
import Logging

/// The CXone a command talks to: the tenant the `CXONE_*` variables describe, or, with `CXONE_BASE_URL`
/// unset, the embedded simulator started in this process on loopback.
struct CXoneConnection {
    let client: CXoneClient
    private let simulator: CXoneSimulator?
    /// One line saying which CXone this is, for standard error.
    let description: String

    /// The campaigns the embedded simulator has; other ids are answered 404, as a real tenant would.
    static let embeddedCampaigns = (1...10).map { "CAMPAIGN_" + String(format: "%03d", $0) }

    /// Connects as the environment says.
    static func open(environment: [String: String], logger: Logger) async throws -> CXoneConnection {
        if let configuration = try CXoneConfiguration(environment: environment) {
            return CXoneConnection(
                client: CXoneClient(configuration: configuration, logger: logger), simulator: nil,
                description: "CXone: \(configuration.baseURL)")
        }
        var settings = SimulatorConfiguration()
        settings.campaigns = Set(embeddedCampaigns)
        let simulator = try await CXoneSimulator.start(settings)
        let configuration = CXoneConfiguration(
            baseURL: simulator.baseURL, clientID: settings.clientID, clientSecret: Secret(settings.clientSecret),
            scopes: ["outbound:campaign:read"])
        return CXoneConnection(
            client: CXoneClient(configuration: configuration, logger: logger), simulator: simulator,
            description:
                "CXone: embedded simulator at \(simulator.baseURL) (CXONE_BASE_URL unset; campaigns "
                + "CAMPAIGN_001…CAMPAIGN_010)")
    }

    /// Closes the client and stops the embedded simulator.
    func close() async {
        try? await client.shutdown()
        await simulator?.stop()
    }
}
