import ArgumentParser
import DialerCore

/// `--format table|json` of the commands whose output is tabular: aligned columns for a person, or one JSON
/// document (canonical: sorted keys) for a script.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json

    /// `value` as one line of canonical JSON.
    static func line(_ value: JSONValue) throws -> String {
        String(decoding: try CanonicalJSON(value).bytes, as: UTF8.self)
    }
}
