import DialerCore
import Foundation
import Testing

@Suite struct CanonicalJSONTests {
    private func text(_ value: JSONValue) throws -> String { try CanonicalJSON(value).text }

    @Test func sortsKeysByBytesAndDropsWhitespace() throws {
        let value = try JSONParser.parse(#" { "b" : 1, "a" : { "z" : [ 1 , 2 ], "A": null }, "aa": "x" } "#)
        #expect(try text(value) == #"{"a":{"A":null,"z":[1,2]},"aa":"x","b":1}"#)
    }

    @Test func givesOneFormPerNumber() throws {
        #expect(try text(.number(1.0)) == "1")
        #expect(try text(.double(1.0)) == "1")
        #expect(try text(.number(-0.0)) == "0")
        #expect(try text(.number(0.1)) == "0.1")
        #expect(try text(.number(1e-7)) == "1e-07")
        #expect(try text(.number(1e300)) == "1e+300")
        #expect(try text(.int(Int64.max)) == "9223372036854775807")
        #expect(try JSONParser.parse("2.50") == .double(2.5))
        #expect(try JSONParser.parse("2e0") == .int(2))
    }

    @Test func rejectsNonFiniteNumbers() {
        #expect(throws: DialerCoreError.self) { try CanonicalJSON(.double(.nan)) }
        #expect(throws: DialerCoreError.self) { try CanonicalJSON(["x": .double(.infinity)]) }
    }

    @Test func normalizesStringsAndKeysToNFC() throws {
        let decomposed: JSONValue = ["Re\u{301}sume\u{301}": "cafe\u{301}"]
        let composed: JSONValue = ["R\u{E9}sum\u{E9}": "caf\u{E9}"]
        #expect(try CanonicalJSON(decomposed).bytes == CanonicalJSON(composed).bytes)
        #expect(try CanonicalJSON(composed).bytes == Array(#"{"Résumé":"café"}"#.utf8))
    }

    @Test func escapesOnlyWhatJSONRequires() throws {
        let value: JSONValue = .string("q\"b\\n\n\t\u{1}/é\u{7F}")
        #expect(try text(value) == #""q\"b\\n\n\t\u0001/é"# + "\u{7F}\"")
    }

    /// The word-at-a-time check agrees with a byte-by-byte reading for every byte value at every
    /// position of strings of 1 to 20 bytes (both sides of each 8-byte word boundary and the tail).
    @Test func plainASCIICheckMatchesAByteByByteReading() {
        for length in 1...20 {
            for position in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    let expected = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
                    let checked = bytes.withUnsafeBytes { CanonicalJSONWriter.isPlainASCII($0) }
                    guard checked == expected else {
                        Issue.record("byte \(byte) at \(position) of \(length): \(checked), expected \(expected)")
                        return
                    }
                }
            }
        }
        #expect([UInt8]().withUnsafeBytes { CanonicalJSONWriter.isPlainASCII($0) })
    }

    /// Objects of many members come out in byte order of their keys, whatever order they were built in.
    @Test func sortsManyKeysWhateverTheirInsertionOrder() throws {
        let keys = (0..<300).map { "k\(String($0 * 7919 % 1000, radix: 16))é" } + ["", "Z", "a", "é", "\u{1F600}"]
        var members: [String: JSONValue] = [:]
        for (index, key) in keys.reversed().enumerated() { members[key] = .int(Int64(index)) }
        let expected = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\"\($0.key)\":\($0.value.intValue!)" }.joined(separator: ",")
        #expect(try text(.object(members)) == "{" + expected + "}")
    }

    /// UUIDs and digests are formatted eight digits at a time; a byte-by-byte formatting is the oracle,
    /// over every nibble value in every position and random values.
    @Test func writesUUIDsAndDigestsAsByteByByteHex() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        var random = SplitMix64(seed: 7)
        var samples: [[UInt8]] = (0..<16).map { nibble in Array(repeating: UInt8(nibble * 0x11), count: 32) }
        samples += (0..<32).map { position in (0..<32).map { $0 == position ? 0xA9 : 0x00 } }
        samples += (0..<64).map { _ in (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        for bytes in samples {
            let uuid = UUID(
                uuid: (bytes.prefix(16) as ArraySlice).withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
            var writer = CanonicalJSONWriter()
            writer.write(uuid: uuid)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == "\"\(uuid.uuidString.lowercased())\"")
            let digest = SHA256Digest(bytes: bytes)!
            writer = CanonicalJSONWriter()
            writer.write(digest: digest)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == "\"\(hex(bytes))\"")
        }
    }

    @Test func roundTripsThroughTheParser() throws {
        let original: JSONValue = [
            "rows": [["date": "2026-11-02T09:00:00Z", "n": 12, "r": 0.125, "ok": true, "x": nil]]
        ]
        let bytes = try CanonicalJSON(original).bytes
        #expect(try JSONParser.parse(bytes) == original)
        #expect(try CanonicalJSON(bytes: bytes, validating: true).bytes == bytes)
        #expect(throws: DialerCoreError.self) {
            try CanonicalJSON(bytes: Array(#"{"b":1,"a":2}"#.utf8), validating: true)
        }
    }
}

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":1,}"#, 7), ("[1 2]", 3), (#"{"a":1} x"#, 8), (#""\ud800""#, 7), ("01", 1), ("-", 1),
        (#"{"a":1,"a":2}"#, 7), ("\"a\u{1}\"", 2), ("tru", 0), ("1.", 2),
    ])
    func rejectsMalformedInputAtTheRightByte(input: String, offset: Int) {
        #expect(throws: DialerCoreError.invalidJSON(offset: offset, reason: reasonFor(input))) {
            try JSONParser.parse(input)
        }
    }

    private func reasonFor(_ input: String) -> String {
        do {
            _ = try JSONParser.parse(input)
            return "parsed"
        } catch let DialerCoreError.invalidJSON(_, reason) {
            return reason
        } catch {
            return "other"
        }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\/\n""#) == .string("é😀/\n"))
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: DialerCoreError.self) { try JSONParser.parse(deep) }
    }
}
