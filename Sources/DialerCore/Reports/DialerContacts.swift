import Foundation

/// A campaign's page from CXone's Reporting API as recorded: the campaign's skills and every
/// `GET /wfm-data/skills/dialer-contacts` answer exactly as received (one per request of the window), read
/// by the mapping version it names. The responses cover every skill of the business unit.
public struct DialerContactsPage: Sendable, Hashable {
    /// The `DialerContactsMapping` version the page is read by.
    public var mapping: Int
    /// The campaign's skill ids (`GET /campaigns/{id}/skills`), as text.
    public var skills: [String]
    /// Each answer's body as received, in request order (`null` for an empty answer, such as a 204).
    public var responses: [JSONValue]
    /// What the mapping saw in the responses when the page was fetched (`DialerContactsShape.json`), for
    /// operators; re-derivation reads the responses, never this.
    public var seen: JSONValue?

    /// A page with every field given.
    public init(mapping: Int, skills: [String], responses: [JSONValue], seen: JSONValue? = nil) {
        self.mapping = mapping
        self.skills = skills
        self.responses = responses
        self.seen = seen
    }
}

/// What dialer-contacts responses looked like where public evidence disagrees or is silent: the key that held
/// the rows, how numbers and handle times were written, and the interval length.
public struct DialerContactsShape: Sendable, Hashable {
    /// Keys the rows were under (`wfM_OB_StatsV9`, `outboundStats`; `[]` for a bare array).
    public var rowsKeys: Set<String> = []
    /// `number`, `string` (numeric text), or both.
    public var numberForms: Set<String> = []
    /// `seconds`, `iso8601` (such as `PT1M30S`), or both.
    public var handleTimeForms: Set<String> = []
    /// The shortest step between two interval starts of one skill, in minutes (nil: never two).
    public var intervalMinutes: Int?
    /// Rows of every skill, and of the campaign's skills.
    public var rows = 0
    public var campaignRows = 0

    /// As recorded in a page's `seen`.
    public var json: JSONValue {
        [
            "rows_keys": .array(rowsKeys.sorted().map(JSONValue.string)),
            "number_forms": .array(numberForms.sorted().map(JSONValue.string)),
            "handle_time_forms": .array(handleTimeForms.sorted().map(JSONValue.string)),
            "interval_minutes": intervalMinutes.map { .int(Int64($0)) } ?? .null, "rows": .int(Int64(rows)),
            "campaign_rows": .int(Int64(campaignRows)),
        ]
    }
}

/// The mapping from dialer-contacts rows (several skills, sub-hour intervals, empty intervals absent) to one
/// campaign's hourly rows in the seed's report shape, so the deriver reads them as it reads seed rows:
/// `calls_attempted` = Σ `dials`, `calls_connected` = Σ `connects`, `abandoned` = Σ `abandons`,
/// `avg_talk_time` = `connectsAHT` weighted by `connects` (average handle time, not talk time), and the
/// additive `right_party_connects` = Σ `rightPartyConnects`, over the campaign's skills' intervals that
/// start in each UTC hour. Pure and versioned: a recorded page is read by the version it names.
public enum DialerContactsMapping {
    /// The version new pages are recorded with.
    public static let version = 1
    /// Keys the rows may be under: the Reporting API's OpenAPI file, then the Singer connector's.
    public static let rowsKeys = ["wfM_OB_StatsV9", "outboundStats"]

    /// The hourly rows of `page`'s campaign, oldest first, and what the responses looked like. A row that is
    /// not readable is an error naming it (`responses[0].wfM_OB_StatsV9[3].dials`).
    public static func hourlyRows(_ page: DialerContactsPage) throws -> (rows: [JSONValue], shape: DialerContactsShape)
    {
        guard page.mapping == 1 else {
            throw DialerCoreError.invalidField(
                field: "mapping", reason: "version \(page.mapping) is not known (this build reads version \(version))")
        }
        let skills = Set(page.skills)
        var shape = DialerContactsShape()
        var hours: [Int64: HourSum] = [:]
        var startsBySkill: [String: Set<Int64>] = [:]
        for (index, answer) in page.responses.enumerated() {
            let (rows, key) = try rowsOf(answer, field: "responses[\(index)]")
            if let key { shape.rowsKeys.insert(key) }
            for (number, row) in rows.enumerated() {
                let field = "responses[\(index)]\(key.map { "." + $0 } ?? "")[\(number)]"
                let read = try IntervalRow(row, field: field, shape: &shape)
                shape.rows += 1
                startsBySkill[read.skill, default: []].insert(read.start)
                guard skills.contains(read.skill) else { continue }
                shape.campaignRows += 1
                let hour = read.start.floorDivided(by: ObservedHour.hourMilliseconds).quotient
                hours[hour, default: HourSum()].add(read)
            }
        }
        shape.intervalMinutes = shortestStep(startsBySkill)
        let rows = hours.keys.sorted().map { hours[$0]!.row(hour: $0 * ObservedHour.hourMilliseconds) }
        return (rows, shape)
    }

    /// The rows of one answer and the key they were under: an object with one of `rowsKeys`, or a bare
    /// array; an empty answer (`null`, `{}`) has none.
    private static func rowsOf(_ answer: JSONValue, field: String) throws -> ([JSONValue], String?) {
        switch answer {
        case .null: return ([], nil)
        case .array(let rows): return (rows, nil)
        case .object(let members):
            for key in rowsKeys {
                switch members[key] {
                case nil, .null?: continue
                case .array(let rows)?: return (rows, key)
                default: throw DialerCoreError.invalidField(field: "\(field).\(key)", reason: "must be an array")
                }
            }
            guard members.isEmpty else {
                throw DialerCoreError.invalidField(
                    field: field,
                    reason: "has none of \(rowsKeys.joined(separator: ", ")); keys: "
                        + members.keys.sorted().prefix(8).joined(separator: ", "))
            }
            return ([], nil)
        default:
            throw DialerCoreError.invalidField(field: field, reason: "must be a JSON object")
        }
    }

    /// The shortest step between two interval starts of one skill, in minutes.
    private static func shortestStep(_ startsBySkill: [String: Set<Int64>]) -> Int? {
        var shortest: Int64?
        for starts in startsBySkill.values {
            let sorted = starts.sorted()
            for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                shortest = min(shortest ?? .max, later - earlier)
            }
        }
        return shortest.map { Int($0 / 60_000) }
    }

    /// One hour's sums.
    private struct HourSum {
        var dials = 0.0
        var connects = 0.0
        var abandons = 0.0
        var rightPartyConnects = 0.0
        /// Σ connectsAHT × connects over rows that sent a handle time, and Σ their connects.
        var handleSeconds = 0.0
        var timedConnects = 0.0

        mutating func add(_ row: IntervalRow) {
            dials += row.dials
            connects += row.connects
            abandons += row.abandons
            rightPartyConnects += row.rightPartyConnects
            if let aht = row.handleTime {
                handleSeconds += aht * row.connects
                timedConnects += row.connects
            }
        }

        func row(hour: Int64) -> JSONValue {
            let average = timedConnects > 0 ? handleSeconds / timedConnects : 0
            return [
                "date": .string(Timestamp(milliseconds: hour).rfc3339Seconds), "calls_attempted": .number(dials),
                "calls_connected": .number(connects), "abandoned": .number(abandons),
                "avg_talk_time": .number((average * 10_000).rounded() / 10_000),
                "right_party_connects": .number(rightPartyConnects),
            ]
        }
    }
}

/// One dialer-contacts row, read tolerantly: numbers as numbers or numeric strings, the handle time as
/// seconds or an ISO-8601 duration, the interval start as RFC 3339 (read as UTC when it has no offset).
private struct IntervalRow {
    var skill: String
    var start: Int64
    var dials: Double
    var connects: Double
    var abandons: Double
    var rightPartyConnects: Double
    /// Seconds; nil when the row sent none.
    var handleTime: Double?

    init(_ row: JSONValue, field: String, shape: inout DialerContactsShape) throws {
        guard case .object(let members) = row else {
            throw DialerCoreError.invalidField(field: field, reason: "must be a JSON object")
        }
        func fail(_ key: String, _ reason: String) -> DialerCoreError {
            .invalidField(field: "\(field).\(key)", reason: reason)
        }
        func number(_ key: String, required: Bool = true) throws -> Double? {
            switch members[key] {
            case nil, .null?:
                if required { throw fail(key, "is missing") }
                return nil
            case .int(let value)?:
                shape.numberForms.insert("number")
                return Double(value)
            case .double(let value)?:
                shape.numberForms.insert("number")
                return value
            case .string(let text)?:
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw fail(key, "\"\(text)\" is not a number")
                }
                shape.numberForms.insert("string")
                return value
            default: throw fail(key, "must be a number or numeric text")
            }
        }
        switch members["skillId"] {
        case .int(let id)?: skill = String(id)
        case .string(let id)? where !id.isEmpty: skill = id
        default: throw fail("skillId", "must be a skill id")
        }
        guard let text = members["intervalStartDate"]?.stringValue else {
            throw fail("intervalStartDate", "must be an RFC 3339 instant")
        }
        guard let instant = (try? Timestamp(rfc3339: text)) ?? (try? Timestamp(rfc3339: text + "Z")) else {
            throw fail("intervalStartDate", "\"\(text)\" is not an RFC 3339 instant")
        }
        start = instant.milliseconds
        dials = try number("dials")!
        connects = try number("connects")!
        abandons = try number("abandons")!
        rightPartyConnects = try number("rightPartyConnects", required: false) ?? 0
        if case .string(let text)? = members["connectsAHT"], text.hasPrefix("P") {
            guard let seconds = ISO8601Duration.seconds(text) else {
                throw fail("connectsAHT", "\"\(text)\" is not an ISO-8601 duration")
            }
            shape.handleTimeForms.insert("iso8601")
            handleTime = seconds
        } else {
            handleTime = try number("connectsAHT", required: false)
            if handleTime != nil { shape.handleTimeForms.insert("seconds") }
        }
    }
}

/// ISO-8601 durations of days and times (`PT1M30S`, `P1DT2H`, `PT0.5S`): what CXone may write a handle
/// time as. Years and months have no fixed length and are refused.
enum ISO8601Duration {
    /// The duration's seconds, or nil when `text` is not such a duration.
    static func seconds(_ text: String) -> Double? {
        guard text.hasPrefix("P"), text.count > 1 else { return nil }
        var total = 0.0
        var digits = ""
        var inTime = false
        var sawUnit = false
        for character in text.dropFirst() {
            switch character {
            case "0"..."9", ".", ",":
                digits.append(character == "," ? "." : character)
            case "T":
                guard !inTime, digits.isEmpty else { return nil }
                inTime = true
            default:
                guard let value = Double(digits) else { return nil }
                let unit: Double
                switch (character, inTime) {
                case ("W", false): unit = 604_800
                case ("D", false): unit = 86_400
                case ("H", true): unit = 3_600
                case ("M", true): unit = 60
                case ("S", true): unit = 1
                default: return nil
                }
                total += value * unit
                digits = ""
                sawUnit = true
            }
        }
        return digits.isEmpty && sawUnit ? total : nil
    }
}
