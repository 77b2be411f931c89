import Foundation

/// A validated contact list, read from CSV (a header row naming `id` and `timezone`, RFC 4180 quoting) or
/// JSON (an array of objects with `id` and `timezone`). Every unknown zone, missing field, repeated id and
/// id with a control character is reported with its line before anything is used; a file that is not
/// UTF-8, a stray quote and a header naming a column twice are refused outright.
public struct ContactList: Sendable {
    public let contacts: [Contact]

    /// The contacts grouped by time zone, zones in name order, contacts in file order.
    public var byTimeZone: [(zone: String, contacts: [Contact])] {
        Dictionary(grouping: contacts, by: \.timeZone).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Reads `bytes`; JSON when the first non-blank byte is `[`, else CSV. `file` names it in errors.
    public init(bytes: [UInt8], file: String) throws {
        if let line = Self.firstLineNotUTF8(bytes) {
            throw DialerCoreError.invalidContacts(
                ContactListProblems(file: file, problems: [.init(line: line, field: "file", reason: "is not UTF-8")]))
        }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        let rows =
            first == UInt8(ascii: "[") ? try Self.jsonRows(bytes, file: file) : try Self.csvRows(bytes, file: file)
        var problems: [ContactListProblems.Problem] = []
        var seen: [String: Int] = [:]
        var contacts: [Contact] = []
        for row in rows {
            func problem(_ field: String, _ reason: String) {
                problems.append(.init(line: row.line, field: field, reason: reason))
            }
            let id = (row.fields["id"] ?? "").trimmingCharacters(in: .whitespaces)
            let zone = (row.fields["timezone"] ?? row.fields["time_zone"] ?? "").trimmingCharacters(in: .whitespaces)
            if id.isEmpty { problem("id", "is missing") }
            let isControl = { (scalar: Unicode.Scalar) in scalar.properties.generalCategory == .control }
            if let control = id.unicodeScalars.first(where: isControl) {
                let shown = String(String.UnicodeScalarView(id.unicodeScalars.map { isControl($0) ? "?" : $0 }))
                let code = String(control.value, radix: 16, uppercase: true)
                problem(
                    "id",
                    "\"\(shown)\" has a control character (U+\(String(repeating: "0", count: 4 - code.count) + code))")
            }
            if zone.isEmpty {
                problem("timezone", "is missing")
            } else if TimeZone(identifier: zone) == nil {
                problem("timezone", "\"\(zone)\" is not an IANA time zone")
            }
            if !id.isEmpty, let earlier = seen[id] {
                problem("id", "\"\(id)\" is already used on line \(earlier)")
            } else if !id.isEmpty {
                seen[id] = row.line
            }
            var attributes = row.fields
            attributes["id"] = nil
            attributes["timezone"] = nil
            attributes["time_zone"] = nil
            contacts.append(Contact(id: id, timeZone: zone, attributes: attributes, line: row.line))
        }
        if rows.isEmpty { problems.append(.init(line: 1, field: "contacts", reason: "the list has no contacts")) }
        guard problems.isEmpty else {
            throw DialerCoreError.invalidContacts(ContactListProblems(file: file, problems: problems))
        }
        self.contacts = contacts
    }

    /// One record: its fields by column name and the line it starts on.
    struct Row {
        var fields: [String: String]
        var line: Int
    }

    /// RFC 4180 records; the first names the columns.
    static func csvRows(_ bytes: [UInt8], file: String) throws -> [Row] {
        var records: [(fields: [String], line: Int)] = []
        var field: [UInt8] = []
        var fields: [String] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var closedQuote = false
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func stray(_ reason: String) -> DialerCoreError {
            .invalidContacts(
                ContactListProblems(file: file, problems: [.init(line: line, field: "csv", reason: reason)]))
        }
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            closedQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((fields, recordLine)) }
            fields.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        closedQuote = true
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
            } else if closedQuote && ![UInt8(ascii: ","), 0x0A, 0x0D].contains(byte) {
                throw stray("text after the closing quote of a field")
            } else if byte == UInt8(ascii: "\"") {
                // RFC 4180: a quote only opens a field; inside one it is doubled.
                guard field.isEmpty else { throw stray("a quote inside an unquoted field; quote the whole field") }
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(byte)
            }
            index += 1
        }
        if quoted {
            throw DialerCoreError.invalidContacts(
                ContactListProblems(
                    file: file,
                    problems: [.init(line: recordLine, field: "csv", reason: "a quoted field is never closed")]))
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else { return [] }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func refuseHeader(_ reason: String) -> DialerCoreError {
            .invalidContacts(
                ContactListProblems(file: file, problems: [.init(line: header.line, field: "header", reason: reason)]))
        }
        if let twice = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
            throw refuseHeader("names the column \"\(twice.element)\" twice")
        }
        if names.contains("timezone") && names.contains("time_zone") {
            throw refuseHeader("names the time zone column twice (timezone and time_zone)")
        }
        guard names.contains("id"), names.contains("timezone") || names.contains("time_zone") else {
            throw DialerCoreError.invalidContacts(
                ContactListProblems(
                    file: file,
                    problems: [
                        .init(line: header.line, field: "header", reason: "must name the columns id and timezone")
                    ]))
        }
        var problems: [ContactListProblems.Problem] = []
        let rows = records.dropFirst().map { record -> Row in
            if record.fields.count != names.count {
                problems.append(
                    .init(
                        line: record.line, field: "csv",
                        reason: "\(record.fields.count) fields where the header has \(names.count)"))
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(names, record.fields) { fields[name] = value }
            return Row(fields: fields, line: record.line)
        }
        guard problems.isEmpty else {
            throw DialerCoreError.invalidContacts(ContactListProblems(file: file, problems: problems))
        }
        return rows
    }

    /// The objects of a JSON array, each with the line its `{` is on.
    static func jsonRows(_ bytes: [UInt8], file: String) throws -> [Row] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch DialerCoreError.invalidJSON(let offset, let reason) {
            throw DialerCoreError.invalidContacts(
                ContactListProblems(
                    file: file, problems: [.init(line: line(at: offset, in: bytes), field: "json", reason: reason)]))
        }
        guard case .array(let items) = value else {
            throw DialerCoreError.invalidContacts(
                ContactListProblems(file: file, problems: [.init(line: 1, field: "json", reason: "must be an array")]))
        }
        let lines = elementLines(bytes)
        var problems: [ContactListProblems.Problem] = []
        let rows = items.enumerated().map { index, item -> Row in
            let line = index < lines.count ? lines[index] : 1
            guard case .object(let members) = item else {
                problems.append(.init(line: line, field: "contacts[\(index)]", reason: "must be an object"))
                return Row(fields: [:], line: line)
            }
            var fields: [String: String] = [:]
            for (key, member) in members {
                switch member {
                case .string(let text): fields[key] = text
                case .int(let number): fields[key] = String(number)
                case .null: break
                default: fields[key] = String(decoding: (try? CanonicalJSON(member).bytes) ?? [], as: UTF8.self)
                }
            }
            return Row(fields: fields, line: line)
        }
        guard problems.isEmpty else {
            throw DialerCoreError.invalidContacts(ContactListProblems(file: file, problems: problems))
        }
        return rows
    }

    /// The line of each element of the top-level array (where its first byte is).
    private static func elementLines(_ bytes: [UInt8]) -> [Int] {
        var lines: [Int] = []
        var line = 1
        var depth = 0
        var inString = false
        var escaped = false
        var expectingElement = false
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if expectingElement, depth == 1, ![0x20, 0x09, 0x0A, 0x0D].contains(byte), byte != UInt8(ascii: "]") {
                lines.append(line)
                expectingElement = false
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { expectingElement = true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingElement = true }
            default: break
            }
        }
        return lines
    }

    /// The first line (from 1) that is not UTF-8, if any; a character never spans a line feed.
    private static func firstLineNotUTF8(_ bytes: [UInt8]) -> Int? {
        guard String(validating: bytes, as: UTF8.self) == nil else { return nil }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        return lines.firstIndex { String(validating: $0, as: UTF8.self) == nil }.map { $0 + 1 }
    }

    private static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
