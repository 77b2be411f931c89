/// Reads the fields of a stored payload, each error naming the field (`payload.window.start`).
public struct PayloadReader: Sendable {
    /// The payload or nested object being read.
    public let json: JSONValue
    /// Its name in errors.
    public let field: String

    /// A reader of `json`, named `field` in errors.
    public init(_ json: JSONValue, field: String = "payload") {
        self.json = json
        self.field = field
    }

    /// An error naming `key` inside this object.
    public func fail(_ key: String, _ reason: String) -> DialerCoreError {
        .invalidField(field: "\(field).\(key)", reason: reason)
    }

    /// The string at `key`.
    public func string(_ key: String) throws -> String {
        guard let value = json[key]?.stringValue else { throw fail(key, "must be a string") }
        return value
    }

    /// The string at `key`, or nil when absent or null.
    public func optionalString(_ key: String) throws -> String? {
        switch json[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw fail(key, "must be a string or null")
        }
    }

    /// The whole number at `key`.
    public func int(_ key: String) throws -> Int64 {
        guard let value = json[key]?.intValue else { throw fail(key, "must be a whole number") }
        return value
    }

    /// The number at `key`.
    public func number(_ key: String) throws -> Double {
        guard let value = json[key]?.doubleValue else { throw fail(key, "must be a number") }
        return value
    }

    /// The RFC 3339 instant at `key`.
    public func instant(_ key: String) throws -> Timestamp {
        try Timestamp(rfc3339: try string(key), field: "\(field).\(key)")
    }

    /// The SHA-256 hex digest at `key`.
    public func digest(_ key: String) throws -> SHA256Digest {
        guard let digest = SHA256Digest(hex: try string(key)) else { throw fail(key, "must be 64 hex digits") }
        return digest
    }

    /// The array of strings at `key`.
    public func strings(_ key: String) throws -> [String] {
        guard case .array(let items)? = json[key] else { throw fail(key, "must be an array of strings") }
        return try items.enumerated().map { index, item in
            guard let text = item.stringValue else { throw fail("\(key)[\(index)]", "must be a string") }
            return text
        }
    }

    /// The array at `key`.
    public func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let items)? = json[key] else { throw fail(key, "must be an array") }
        return items
    }

    /// A reader of the object at `key`.
    public func object(_ key: String) throws -> PayloadReader {
        guard let value = json[key], case .object = value else { throw fail(key, "must be an object") }
        return PayloadReader(value, field: "\(field).\(key)")
    }
}
