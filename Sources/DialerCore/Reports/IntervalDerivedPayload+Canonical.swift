import Foundation

extension IntervalDerivedPayload {
    /// The payload as stored, written straight in canonical form (keys in byte order, the same bytes as
    /// encoding `json`) without building a JSON value: a report run records one per campaign-hour. A
    /// count that is not finite falls back to `json`, whose encoding names the problem when appended.
    public var payload: EventDraft.Payload {
        let counts = interval.counts
        guard counts.attempted.isFinite, counts.connected.isFinite, counts.abandoned.isFinite else {
            return .value(json)
        }
        var w = CanonicalJSONWriter(capacity: 320)
        w.writeRaw(#"{"calls_abandoned":"#)
        w.write(finite: counts.abandoned)
        w.writeRaw(#","calls_attempted":"#)
        w.write(finite: counts.attempted)
        w.writeRaw(#","calls_connected":"#)
        w.write(finite: counts.connected)
        w.writeRaw(#","campaign_id":"#)
        w.write(string: campaignID)
        w.writeRaw(#","dropped_by":"#)
        if let rule = interval.droppedBy { w.write(string: rule) } else { w.writeRaw("null") }
        w.writeRaw(#","hour":"#)
        w.write(timestamp: interval.hour)
        w.writeRaw(interval.kept ? #","kept":true"# : #","kept":false"#)
        w.writeRaw(#","rule_set":"#)
        w.write(string: ruleSet)
        w.writeRaw(#","rule_set_hash":"#)
        w.write(digest: ruleSetHash)
        w.writeRaw(#","source":"#)
        w.write(string: interval.source.rawValue)
        w.writeRaw("}")
        // Canonical by construction; IntervalDerivedPayloadTests compare it with encoding `json`.
        return .canonical(CanonicalJSON(trusted: w.bytes))
    }

    /// Reads a stored payload straight from its canonical bytes, keys in their sorted order, without
    /// building a JSON value: replay reads one per campaign-hour. Nil when the bytes are not exactly that
    /// shape (an escape in a string, another version's keys); the caller then reads the general way.
    public init?(canonical bytes: UnsafeRawBufferPointer) {
        var scan = CanonicalScanner(bytes: bytes)
        guard scan.literal(#"{"calls_abandoned":"#), let abandoned = scan.number(),
            scan.literal(#","calls_attempted":"#), let attempted = scan.number(),
            scan.literal(#","calls_connected":"#), let connected = scan.number(),
            scan.literal(#","campaign_id":"#), let campaign = scan.string(),
            scan.literal(#","dropped_by":"#)
        else { return nil }
        let droppedBy: String?
        if scan.literal("null") {
            droppedBy = nil
        } else if let rule = scan.string() {
            droppedBy = rule.elementsEqual("min_calls".utf8) ? "min_calls" : String(decoding: rule, as: UTF8.self)
        } else {
            return nil
        }
        guard scan.literal(#","hour":"#), let hourText = scan.string(),
            let hour = hourText.withMemoryRebound(to: UInt8.self, { Timestamp.parse($0) }),
            scan.literal(#","kept":"#)
        else { return nil }
        let kept: Bool
        if scan.literal("true") {
            kept = true
        } else if scan.literal("false") {
            kept = false
        } else {
            return nil
        }
        guard kept == (droppedBy == nil), scan.literal(#","rule_set":"#), let ruleSet = scan.string(),
            scan.literal(#","rule_set_hash":"#), let hashText = scan.string(),
            let hash = SHA256Digest(hexBytes: hashText), scan.literal(#","source":"#), let sourceText = scan.string(),
            let source = DerivedInterval.Source(canonical: sourceText), scan.literal("}"), scan.atEnd
        else { return nil }
        self.init(
            campaignID: String(decoding: campaign, as: UTF8.self),
            interval: DerivedInterval(
                hour: hour, counts: HourCounts(attempted: attempted, connected: connected, abandoned: abandoned),
                source: source, droppedBy: droppedBy),
            ruleSet: String(decoding: ruleSet, as: UTF8.self), ruleSetHash: hash)
    }
}

extension DerivedInterval.Source {
    init?(canonical name: UnsafeRawBufferPointer) {
        switch name.count {
        case 8 where name.elementsEqual("observed".utf8): self = .observed
        case 12 where name.elementsEqual("interpolated".utf8): self = .interpolated
        case 6 where name.elementsEqual("filled".utf8): self = .filled
        default: return nil
        }
    }
}

/// Reads canonical JSON bytes front to back: literals, plain strings (no escapes) and numbers.
struct CanonicalScanner {
    let bytes: UnsafeRawBufferPointer
    var at = 0

    var atEnd: Bool { at == bytes.count }

    /// Consumes `text` if the bytes continue with it.
    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard at + count <= bytes.count, memcmp(bytes.baseAddress! + at, text.utf8Start, count) == 0 else {
            return false
        }
        at += count
        return true
    }

    /// A string without escapes, as the bytes between its quotes.
    mutating func string() -> UnsafeRawBufferPointer? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        var end = at + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        defer { at = end + 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[(at + 1)..<end])
    }

    /// A number: integers digit by digit, others through the standard library's parser.
    mutating func number() -> Double? {
        let start = at
        var negative = false
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") {
            negative = true
            at += 1
        }
        var value: Int64 = 0
        var digits = 0
        while at < bytes.count, (48...57).contains(bytes[at]), digits < 18 {
            value = value * 10 + Int64(bytes[at] - 48)
            digits += 1
            at += 1
        }
        guard digits > 0 else { return nil }
        let next = at < bytes.count ? bytes[at] : 0
        if next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E"), !(48...57).contains(next) {
            return Double(negative ? -value : value)
        }
        while at < bytes.count, (48...57).contains(bytes[at]) || [0x2E, 0x65, 0x45, 0x2B, 0x2D].contains(bytes[at]) {
            at += 1
        }
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
    }
}
