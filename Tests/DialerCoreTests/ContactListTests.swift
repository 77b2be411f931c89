import DialerCore
import Foundation
import Testing

/// Contact lists from CSV and JSON: every problem reported with its line, nothing accepted from a bad list.
@Suite struct ContactListTests {
    private func read(_ text: String, file: String = "contacts.csv") throws -> ContactList {
        try ContactList(bytes: Array(text.utf8), file: file)
    }

    private func problems(_ text: String, file: String = "contacts.csv") -> [String] {
        do {
            _ = try read(text, file: file)
            return []
        } catch DialerCoreError.invalidContacts(let error) {
            return error.problems.map { "\($0.line) \($0.field): \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func csvKeepsOtherColumnsAndQuotedFields() throws {
        let list = try read(
            "id,timezone,name,note\r\nc1,America/New_York,\"Doe, Jane\",\"two\nlines\"\r\nc2, Europe/London ,Bob,\n")
        #expect(list.contacts.map(\.id) == ["c1", "c2"])
        #expect(list.contacts.map(\.timeZone) == ["America/New_York", "Europe/London"])
        #expect(list.contacts[0].attributes == ["name": "Doe, Jane", "note": "two\nlines"])
        #expect(list.contacts.map(\.line) == [2, 4])
        #expect(list.byTimeZone.map(\.zone) == ["America/New_York", "Europe/London"])
    }

    @Test func everyBadRowIsReportedWithItsLine() {
        let text = """
            id,timezone
            c1,America/New_York
            c2,America/Nowhere
            ,Europe/London
            c1,Asia/Kolkata
            c3,
            """
        #expect(
            problems(text) == [
                "3 timezone: \"America/Nowhere\" is not an IANA time zone", "4 id: is missing",
                "5 id: \"c1\" is already used on line 2", "6 timezone: is missing",
            ])
        #expect(problems("name,zone\nx,UTC\n") == ["1 header: must name the columns id and timezone"])
        #expect(problems("id,timezone\nc1,UTC,extra\n") == ["2 csv: 3 fields where the header has 2"])
        #expect(problems("id,timezone\n\"c1,UTC\n") == ["2 csv: a quoted field is never closed"])
        #expect(problems("id,timezone\n") == ["1 contacts: the list has no contacts"])
    }

    @Test func jsonRowsAreNamedByTheLineTheyStartOn() throws {
        let good = try read(
            #"[{"id": "c1", "timezone": "Australia/Lord_Howe", "priority": 2}, {"id": "c2", "timezone": "UTC"}]"#,
            file: "contacts.json")
        #expect(good.contacts.map(\.timeZone) == ["Australia/Lord_Howe", "UTC"])
        #expect(good.contacts[0].attributes == ["priority": "2"])
        let text = """
            [
              {"id": "c1", "timezone": "Asia/Kolkata"},
              {"id": "c1",
               "timezone": "Mars/Olympus"},
              "not an object"
            ]
            """
        #expect(problems(text, file: "contacts.json") == ["5 contacts[2]: must be an object"])
        let fixed = text.replacingOccurrences(of: ",\n  \"not an object\"", with: "")
        #expect(
            problems(fixed, file: "contacts.json") == [
                "3 timezone: \"Mars/Olympus\" is not an IANA time zone", "3 id: \"c1\" is already used on line 2",
            ])
        #expect(problems("[1,", file: "contacts.json").first?.hasPrefix("1 json:") == true)
    }

    @Test func theMessageNamesTheFileAndLine() {
        let error = ContactListProblems(
            file: "list.csv", problems: [.init(line: 7, field: "timezone", reason: "\"X\" is not an IANA time zone")])
        #expect(
            error.description == "1 problem in the contact list:\nlist.csv:7: timezone: \"X\" is not an IANA time zone")
    }

    @Test(arguments: [
        ("id,timezone\nc\"1,UTC\n", "2 csv: a quote inside an unquoted field; quote the whole field"),
        ("id,timezone\n\"c1\"x,UTC\n", "2 csv: text after the closing quote of a field"),
        ("id,timezone\nc1,\"UTC\" \n", "2 csv: text after the closing quote of a field"),
        ("id,timezone,id\nc1,UTC,c2\n", "1 header: names the column \"id\" twice"),
        ("ID,timezone, Id \nc1,UTC,c2\n", "1 header: names the column \"id\" twice"),
        ("id,timezone,time_zone\nc1,UTC,UTC\n", "1 header: names the time zone column twice (timezone and time_zone)"),
        ("id,timezone\nc\u{0}1,UTC\n", "2 id: \"c?1\" has a control character (U+0000)"),
        ("id,timezone\n\"c\n1\",UTC\n", "2 id: \"c?1\" has a control character (U+000A)"),
        ("id,timezone\nc\u{7F}1,UTC\n", "2 id: \"c?1\" has a control character (U+007F)"),
        ("id,timezone\nc\u{85}1,UTC\n", "2 id: \"c?1\" has a control character (U+0085)"),
        (#"[{"id": "c\u0007", "timezone": "UTC"}]"#, "1 id: \"c?\" has a control character (U+0007)"),
    ])
    func refusesMalformedIDsAndHeaders(_ text: String, _ problem: String) {
        #expect(problems(text, file: text.hasPrefix("[") ? "contacts.json" : "contacts.csv") == [problem])
    }

    @Test func refusesBytesThatAreNotUTF8() {
        let bytes = Array("id,timezone\nc1,UTC\n".utf8) + [0x63, 0xFF, 0x31] + Array(",UTC\n".utf8)
        #expect(
            throws: DialerCoreError.invalidContacts(
                ContactListProblems(file: "c.csv", problems: [.init(line: 3, field: "file", reason: "is not UTF-8")]))
        ) {
            try ContactList(bytes: bytes, file: "c.csv")
        }
    }

    @Test func quotedFieldsStillTakeDoubledQuotesAndCommas() throws {
        let list = try read("id,timezone,name\n\"c1\",\"UTC\",\"Jo \"\"JJ\"\" Doe, Jr\"\r\n")
        #expect(list.contacts.first?.attributes["name"] == "Jo \"JJ\" Doe, Jr")
        #expect(problems("id,timezone\n\"\",UTC\n") == ["2 id: is missing"])
    }
}
