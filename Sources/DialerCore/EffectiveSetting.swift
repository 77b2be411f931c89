/// One setting as the service will use it, for `config check`: its name (a settings-file path or an
/// environment variable), its value (a secret only as `set` or `unset`), and where the value came from.
public struct EffectiveSetting: Sendable, Equatable {
    /// Where a value came from: the settings file, an environment variable, the default, or a command-line
    /// option (`--config`, `--data`, `--store`).
    public enum Source: String, Sendable {
        case file, env, `default`, flag
    }

    public var name: String
    public var value: String
    public var source: Source

    /// A setting with every field given.
    public init(_ name: String, _ value: String, _ source: Source) {
        self.name = name
        self.value = value
        self.source = source
    }

    /// A secret: only whether it is set, never its value.
    public static func secret(_ name: String, isSet: Bool) -> EffectiveSetting {
        EffectiveSetting(name, isSet ? "set" : "unset", isSet ? .env : .default)
    }

    /// A setting read from the environment variable `name` when it is set (not empty), else `fallback`'s source.
    public static func fromEnvironment(
        _ name: String, _ environment: [String: String], value: String, otherwise fallback: Source = .default
    ) -> EffectiveSetting {
        EffectiveSetting(name, value, environment[name].map { $0.isEmpty ? fallback : .env } ?? fallback)
    }

    /// As `config check --format json` shows it.
    public var json: JSONValue { ["name": .string(name), "value": .string(value), "source": .string(source.rawValue)] }
}
