/// The business rules that turn fetched hourly rows into report intervals. Versioned JSON; a run names
/// the rule set it used and the log holds its whole content (`RuleSetActivated`), so any report can be
/// re-derived under the rules it was made with, or under others.
public struct RuleSet: Sendable, Hashable {
    /// How a negative count (the API's corrections) is treated.
    public enum NegativeCounts: String, Sendable, CaseIterable {
        /// The hour is dropped and its row is not used to fill neighbours.
        case reject
        /// Negative counts become zero.
        case clamp
    }

    /// How an hour with no row between two observed hours is filled (edges follow `EdgeGaps`).
    public enum GapFill: String, Sendable, CaseIterable {
        /// On the straight line between the nearest observed hours (the seed's rule).
        case linear
        /// Zero calls: a missing hour usually means nothing was dialled.
        case zero
        /// The previous observed hour's counts.
        case previous
        /// Not filled: the hour is left out.
        case none
    }

    /// How an hour with no row before the first or after the last observed row is filled, whatever the
    /// `gap_fill`.
    public enum EdgeGaps: String, Sendable, CaseIterable {
        /// The nearest observed hour's counts (nothing when no hour was observed).
        case hold
        /// Left out.
        case omit
        /// Zero calls.
        case zero
    }

    /// The name runs refer to it by.
    public var id: String
    /// Its version; bump it when the content changes.
    public var version: Int
    /// An hour with fewer attempts is dropped (`min_calls`, the seed's 20).
    public var minCalls: Double = 20
    /// `negative_counts`.
    public var negativeCounts: NegativeCounts = .reject
    /// `gap_fill`.
    public var gapFill: GapFill = .linear
    /// `edge_gaps`.
    public var edgeGaps: EdgeGaps = .hold
    /// Decimals of the rates (`rate_decimals`, the seed's 4).
    public var rateDecimals: Int = 4
    /// Abandonment threshold of the compliance section (`compliance_threshold`, 3 %).
    public var complianceThreshold: Double = 0.03

    /// A rule set with every option at its default.
    public init(id: String, version: Int = 1) {
        self.id = id
        self.version = version
    }

    /// The seed's rules: at least 20 attempts, negatives rejected, linear gap filling, edges held.
    public static let seed = RuleSet(id: "seed")

    /// The seed's rules, but a missing hour is zero calls, at the edges too. Version 2: version 1 recorded
    /// `edge_gaps` `hold` while its edges were zero, as they are here.
    public static let zeroFill: RuleSet = {
        var rules = RuleSet(id: "zero-fill", version: 2)
        rules.gapFill = .zero
        rules.edgeGaps = .zero
        return rules
    }()

    /// The built-in rule sets by name.
    public static let builtIn: [String: RuleSet] = ["seed": seed, "zero-fill": zeroFill]

    /// Reads a rule-set document (`Schemas/rule-set.schema.json`); an unknown or bad option is an error
    /// naming it.
    public init(json: JSONValue) throws {
        guard case .object(let fields) = json else {
            throw DialerCoreError.invalidField(field: "rule_set", reason: "must be a JSON object")
        }
        func fail(_ key: String, _ reason: String) -> DialerCoreError {
            .invalidField(field: "rule_set.\(key)", reason: reason)
        }
        for key in fields.keys.sorted() where !Self.keys.contains(key) {
            throw fail(key, "unknown option (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        guard let id = fields["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 64 else {
            throw fail("id", "must be a non-empty string of at most 64 bytes")
        }
        guard let version = fields["version"]?.intValue, version >= 1, version <= Int64(Int32.max) else {
            throw fail("version", "must be a whole number of 1 or more")
        }
        self.init(id: id, version: Int(version))
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ current: T) throws -> T
        where T.RawValue == String {
            guard let value = fields[key] else { return current }
            guard let text = value.stringValue, let parsed = T(rawValue: text) else {
                throw fail(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        negativeCounts = try choice("negative_counts", negativeCounts)
        gapFill = try choice("gap_fill", gapFill)
        edgeGaps = try choice("edge_gaps", edgeGaps)
        if let value = fields["min_calls"] {
            guard let number = value.doubleValue, number >= 0 else { throw fail("min_calls", "must be a number ≥ 0") }
            minCalls = number
        }
        if let value = fields["rate_decimals"] {
            guard let number = value.intValue, (0...10).contains(number) else {
                throw fail("rate_decimals", "must be a whole number from 0 to 10")
            }
            rateDecimals = Int(number)
        }
        if let value = fields["compliance_threshold"] {
            guard let number = value.doubleValue, number > 0, number < 1 else {
                throw fail("compliance_threshold", "must be a share between 0 and 1, such as 0.03")
            }
            complianceThreshold = number
        }
    }

    private static let keys: Set<String> = [
        "id", "version", "min_calls", "negative_counts", "gap_fill", "edge_gaps", "rate_decimals",
        "compliance_threshold",
    ]

    /// The whole content as a JSON document (every option, defaults included).
    public var document: JSONValue {
        [
            "id": .string(id), "version": .int(Int64(version)), "min_calls": .number(minCalls),
            "negative_counts": .string(negativeCounts.rawValue), "gap_fill": .string(gapFill.rawValue),
            "edge_gaps": .string(edgeGaps.rawValue), "rate_decimals": .int(Int64(rateDecimals)),
            "compliance_threshold": .number(complianceThreshold),
        ]
    }

    /// SHA-256 of the canonical document: what a report names to say which rules made it.
    public var hash: SHA256Digest {
        // The document holds only finite numbers, so encoding cannot fail.
        SHA256Digest.of((try? CanonicalJSON(document).bytes) ?? [])
    }
}
