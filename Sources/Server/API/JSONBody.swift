import DialerCore
import Hummingbird

/// A JSON request body of the API (ad-hoc reports, replays): one object of at most `limit` bytes, its fields
/// read with errors that name them.
struct JSONBody {
    /// The largest request body.
    static let limit = 64 << 10

    let json: JSONValue

    /// Collects and parses the body: 413 over `limit`, 400 naming `body` when it is not a JSON object.
    init(_ request: Request) async throws {
        var request = request
        let bytes: ByteBuffer
        do {
            bytes = try await request.collectBody(upTo: Self.limit)
        } catch {
            throw APIError(field: "body", reason: "larger than \(Self.limit) bytes", status: .contentTooLarge)
        }
        do {
            json = try JSONParser.parse(Array(buffer: bytes))
        } catch {
            throw APIError(field: "body", reason: "is not JSON: \(error)")
        }
        guard case .object = json else { throw APIError(field: "body", reason: "must be a JSON object") }
    }

    /// The string at `field`, nil when absent; 400 when it is not a string.
    func string(_ field: String) throws -> String? {
        guard let value = json[field], value != .null else { return nil }
        guard let text = value.stringValue else { throw APIError(field: field, reason: "must be a string") }
        return text
    }

    /// The instant at `field`: 400 when absent, not RFC 3339, or out of range.
    func instant(_ field: String) throws -> Timestamp {
        guard let text = try string(field) else { throw APIError(field: field, reason: "is required (RFC 3339)") }
        return try APIError.instant(text, field: field)
    }

    /// The rule set at `field`: a built-in name, or an inline rule set (`Schemas/rule-set.schema.json`), as
    /// `--rules` takes a name or a file; 422 naming the field (and the option) at fault.
    func ruleSet(_ field: String) throws -> RuleSet? {
        guard let value = json[field], value != .null else { return nil }
        if let name = value.stringValue {
            guard let ruleSet = RuleSet.builtIn[name] else {
                let names = RuleSet.builtIn.keys.sorted().joined(separator: ", ")
                throw APIError(
                    field: field, reason: "\"\(name)\" is not a built-in rule set (\(names))",
                    status: .unprocessableContent)
            }
            return ruleSet
        }
        guard case .object = value else {
            throw APIError(field: field, reason: "must be a built-in rule set's name or a rule set object")
        }
        do {
            return try RuleSet(json: value)
        } catch DialerCoreError.invalidField(let inner, let reason) {
            let option = inner.hasPrefix("rule_set") ? inner.dropFirst("rule_set".count) : "." + inner
            throw APIError(field: field + option, reason: reason, status: .unprocessableContent)
        }
    }
}
