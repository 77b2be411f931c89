import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// Reads `--rules FILE|NAME`: a built-in rule set by name, or a rule-set JSON file.
func loadRuleSet(_ value: String) throws -> RuleSet {
    do {
        return try RuleSet.load(value, field: "--rules")
    } catch let error as DialerCoreError {
        throw ValidationError("\(error)")
    }
}
