import DialerCore
import Foundation

extension RuleSet {
    /// A built-in rule set by name (`seed`, `zero-fill`), or one read from a JSON file; throws naming `field`.
    public static func load(_ nameOrFile: String, field: String) throws -> RuleSet {
        if let builtIn = builtIn[nameOrFile] { return builtIn }
        guard let data = FileManager.default.contents(atPath: nameOrFile) else {
            let names = builtIn.keys.sorted().joined(separator: ", ")
            throw DialerCoreError.invalidField(
                field: field, reason: "\"\(nameOrFile)\" is neither a built-in rule set (\(names)) nor a readable file")
        }
        do {
            return try RuleSet(json: try JSONParser.parse(Array(data)))
        } catch let error as DialerCoreError {
            throw DialerCoreError.invalidField(field: field, reason: "\(nameOrFile): \(error)")
        }
    }
}
