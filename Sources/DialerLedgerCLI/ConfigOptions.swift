import ArgumentParser
import Foundation
import Pipelines

/// `--config FILE`: the service's settings (default `$DIALER_LEDGER_CONFIG`, else `DATA/config.json` when
/// it exists), with the environment over them.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Settings file (JSON; Schemas/config.schema.json).", valueName: "FILE"))
    var config: String?

    /// The settings for data folder `dataFolder`.
    func load(dataFolder: String) throws -> ServiceConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let implicit = dataFolder + "/config.json"
        let file =
            config ?? environment["DIALER_LEDGER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.fileExists(atPath: implicit) ? implicit : nil)
        return try ServiceConfiguration.load(file: file, environment: environment)
    }
}

/// `--email ADDRESSES` with the settings: how a command that publishes finds its publication settings.
struct PublishOptions: ParsableArguments {
    @OptionGroup var settings: ConfigOptions
    @Option(
        help: ArgumentHelp(
            "Recipients of the link, comma-separated (default: the configured ones).", valueName: "ADDRESSES"))
    var email: String?

    /// The settings for data folder `dataFolder`, with `--email` as the recipients when given.
    func load(dataFolder: String) throws -> ServiceConfiguration {
        var configuration = try settings.load(dataFolder: dataFolder)
        if let email { configuration.recipients = splitList(email) }
        return configuration
    }
}
