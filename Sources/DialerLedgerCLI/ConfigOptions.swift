import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `--config FILE`: the service's settings (default `$DIALER_LEDGER_CONFIG`, else `DATA/config.json` when
/// it exists), with the environment over them.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Settings file (JSON; Schemas/config.schema.json).", valueName: "FILE"))
    var config: String?

    /// The settings for data folder `dataFolder`.
    func load(dataFolder: String) throws -> ServiceConfiguration {
        try ServiceConfiguration.load(
            file: file(dataFolder: dataFolder)?.path, environment: ProcessInfo.processInfo.environment)
    }

    /// The settings file read for data folder `dataFolder`, and where it was named, or nil when there is none.
    func file(dataFolder: String) -> (path: String, source: EffectiveSetting.Source)? {
        let implicit = dataFolder + "/config.json"
        if let config { return (config, .flag) }
        if let named = ProcessInfo.processInfo.environment["DIALER_LEDGER_CONFIG"], !named.isEmpty {
            return (named, .env)
        }
        return FileManager.default.fileExists(atPath: implicit) ? (implicit, .default) : nil
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
