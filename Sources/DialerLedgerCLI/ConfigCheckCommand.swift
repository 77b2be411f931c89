import ArgumentParser
import CXone
import Delivery
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger config`: the service's settings.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the service's settings.", subcommands: [ConfigCheckCommand.self])
}

/// `dialer-ledger config check`: reads the settings file and the environment as the service does and prints
/// the effective settings with their sources; secrets only as set or unset.
struct ConfigCheckCommand: ParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the settings file and the environment; print the effective settings and their sources.",
        discussion: """
            Reads every setting the service reads, with the readers the service uses: the settings file and the \
            variables over it (server, storage and S3, mail and SMTP, report jobs and their rule sets), the \
            CXone tenant (CXONE_*), the log (--store, DIALER_LEDGER_STORE, --data), and the scheduling defaults \
            (CXONE_CAMPAIGN_ID, SCHEDULE_CRON, EXPECTED_COMPLETED, WEBHOOK_URL, WEBHOOK_SECRET). Each setting \
            shows its source: file, env, default or flag. Secrets show as set or unset, never their value. \
            Exit 0 when every part is valid; else exit 2 with one line per error naming the field and the reason.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var settings: ConfigOptions
    @Option(help: "table, or json (one object: valid, settings, errors).") var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let check = Self.check(data: data, settings: settings, environment: ProcessInfo.processInfo.environment)
            switch format {
            case .json:
                print(
                    try OutputFormat.line([
                        "valid": .bool(check.errors.isEmpty), "settings": .array(check.settings.map(\.json)),
                        "errors": .array(
                            check.errors.map { error -> JSONValue in
                                ["field": .string(error.field), "reason": .string(error.reason)]
                            }),
                    ]))
            case .table:
                let rows = check.settings.map { [$0.name, $0.value, $0.source.rawValue] }
                print(textTable([["SETTING", "VALUE", "SOURCE"]] + rows), terminator: "")
                if check.errors.isEmpty { print("valid") }
            }
            for error in check.errors { printError("dialer-ledger: \(error.field): \(error.reason)") }
            if !check.errors.isEmpty { throw ExitCode(2) }
        }
    }

    /// The effective settings and the errors of every part, each part read by the service's own reader.
    static func check(data: DataOptions, settings: ConfigOptions, environment: [String: String]) -> (
        settings: [EffectiveSetting], errors: [(field: String, reason: String)]
    ) {
        var rows: [EffectiveSetting] = []
        var errors: [(field: String, reason: String)] = []
        func checking(_ part: String, _ body: () throws -> Void) {
            do {
                try body()
            } catch DialerCoreError.invalidField(let field, let reason) {
                errors.append((field, reason))
            } catch {
                errors.append((part, "\(error)"))
            }
        }
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let file = settings.file(dataFolder: data.folder)
        rows.append(EffectiveSetting("config", file?.path ?? "none", file?.source ?? .default))
        rows.append(
            EffectiveSetting(
                "data", data.folder, data.data != nil ? .flag : variable("DIALER_LEDGER_DATA") != nil ? .env : .default)
        )
        checking("store") {
            let source: EffectiveSetting.Source = data.store != nil ? .flag : .env
            rows.append(
                try data.postgresStore().map { EffectiveSetting("store", $0.description, source) }
                    ?? EffectiveSetting("store", "LMDB log in \(data.logPath)", .default))
        }
        checking("config") {
            let configuration = try settings.load(dataFolder: data.folder)
            let json = try file.flatMap { FileManager.default.contents(atPath: $0.path) }.map {
                try JSONParser.parse(Array($0))
            }
            rows += configuration.effectiveSettings(file: json, environment: environment)
        }
        checking("CXONE_BASE_URL") {
            let profile = (try? settings.load(dataFolder: data.folder))?.cxoneProfile ?? "seed"
            guard let tenant = try CXoneConfiguration(environment: environment, profile: profile) else {
                let (name, simulator) =
                    (environment["CXONE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? profile) == "cxone"
                    ? ("CXONE_ACCESS_KEY_ID", "the embedded simulator, cxone profile")
                    : ("CXONE_BASE_URL", "the embedded simulator")
                rows.append(EffectiveSetting(name, "unset: \(simulator)", .default))
                return
            }
            rows += tenant.effectiveSettings(environment: environment)
        }
        rows.append(
            .fromEnvironment("CXONE_CAMPAIGN_ID", environment, value: variable("CXONE_CAMPAIGN_ID") ?? "none"))
        checking("SCHEDULE_CRON") {
            if let cron = variable("SCHEDULE_CRON") {
                do {
                    _ = try SchedulePlanner(expression: cron)
                } catch DialerCoreError.invalidField(let field, let reason) {
                    let detail = field == "cron" ? reason : "\(field): \(reason)"
                    throw DialerCoreError.invalidField(field: "SCHEDULE_CRON", reason: detail)
                }
            }
            rows.append(.fromEnvironment("SCHEDULE_CRON", environment, value: variable("SCHEDULE_CRON") ?? "none"))
        }
        checking("EXPECTED_COMPLETED") {
            let text = variable("EXPECTED_COMPLETED") ?? "50"
            guard let number = Int(text), number >= 1 else {
                throw DialerCoreError.invalidField(
                    field: "EXPECTED_COMPLETED", reason: "\"\(text)\" is not a whole number of 1 or more")
            }
            rows.append(.fromEnvironment("EXPECTED_COMPLETED", environment, value: "\(number)"))
        }
        checking("WEBHOOK_URL") {
            guard let url = variable("WEBHOOK_URL") else {
                rows.append(EffectiveSetting("WEBHOOK_URL", "none", .default))
                return
            }
            try WebhookSender.checkURL(url, field: "WEBHOOK_URL")
            rows.append(EffectiveSetting("WEBHOOK_URL", WebhookSender.redacted(url), .env))
        }
        checking("WEBHOOK_SECRET") {
            if let secret = variable("WEBHOOK_SECRET") {
                do {
                    _ = try WebhookSecret(secret)
                } catch DialerCoreError.invalidField(_, let reason) {
                    throw DialerCoreError.invalidField(field: "WEBHOOK_SECRET", reason: reason)
                }
            }
            rows.append(.secret("WEBHOOK_SECRET", isSet: variable("WEBHOOK_SECRET") != nil))
        }
        return (rows, errors)
    }
}
