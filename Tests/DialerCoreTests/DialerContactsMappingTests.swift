import DialerCore
import Testing

/// The dialer-contacts mapping (version 1) against hand-computed hours.
@Suite struct DialerContactsMappingTests {
    private static func row(
        _ skill: JSONValue, _ start: String, dials: JSONValue, connects: JSONValue, abandons: JSONValue,
        rpc: JSONValue = 0, aht: JSONValue = 0
    ) -> JSONValue {
        [
            "businessUnitId": 4_600_001, "skillId": skill, "skillName": "Outbound", "intervalStartDate": .string(start),
            "mediaTypeId": 4, "dials": dials, "connects": connects, "abandons": abandons, "rightPartyConnects": rpc,
            "connectsAHT": aht, "rightPartyConnectsAHT": 0,
        ]
    }

    private static func hour(
        _ date: String, _ attempted: Int64, _ connected: Int64, _ abandoned: Int64, aht: Double, rpc: Int64
    ) -> JSONValue {
        [
            "date": .string(date), "calls_attempted": .int(attempted), "calls_connected": .int(connected),
            "abandoned": .int(abandoned), "avg_talk_time": .number(aht), "right_party_connects": .int(rpc),
        ]
    }

    @Test func quarterHoursOfSeveralSkillsSumToHoursWithConnectsWeightedHandleTime() throws {
        // Hour 13: skill 11 at :00 (10/4/1, rpc 2, AHT 100) and :15 (6/2/0, rpc 1, AHT 130), skill 12 at :45
        // (4/4/1, rpc 3, AHT 70): 20 dials, 10 connects, 2 abandons, 6 RPC, AHT (400 + 260 + 280) / 10 = 94.
        // Skill 99 is another campaign's. Hour 14 had no intervals (left out). Hour 15: 3 dials, no connects.
        let answer: JSONValue = [
            "wfM_OB_StatsV9": [
                Self.row(11, "2026-03-02T13:00:00Z", dials: 10, connects: 4, abandons: 1, rpc: 2, aht: 100),
                Self.row(11, "2026-03-02T13:15:00.000Z", dials: 6, connects: 2, abandons: 0, rpc: 1, aht: 130),
                Self.row(99, "2026-03-02T13:30:00Z", dials: 100, connects: 50, abandons: 9, rpc: 40, aht: 500),
                Self.row(12, "2026-03-02T13:45:00", dials: 4, connects: 4, abandons: 1, rpc: 3, aht: 70),
                Self.row(12, "2026-03-02T15:30:00Z", dials: 3, connects: 0, abandons: 0),
            ]
        ]
        let page = DialerContactsPage(mapping: 1, skills: ["11", "12"], responses: [answer])
        let (rows, shape) = try DialerContactsMapping.hourlyRows(page)
        #expect(
            rows == [
                Self.hour("2026-03-02T13:00:00Z", 20, 10, 2, aht: 94, rpc: 6),
                Self.hour("2026-03-02T15:00:00Z", 3, 0, 0, aht: 0, rpc: 0),
            ])
        #expect(shape.rowsKeys == ["wfM_OB_StatsV9"] && shape.numberForms == ["number"])
        #expect(shape.handleTimeForms == ["seconds"] && shape.intervalMinutes == 15)
        #expect(shape.rows == 5 && shape.campaignRows == 4)
    }

    @Test func theConnectorsKeyNumericStringsAndISODurationsReadAlike() throws {
        // 8 + 2 dials, 3 + 1 connects, AHT PT1M30S (90 s) on 3 and PT2M (120 s) on 1: (270 + 120) / 4 = 97.5.
        let answer: JSONValue = [
            "outboundStats": [
                Self.row(
                    "11", "2026-03-02T09:00:00Z", dials: "8", connects: "3", abandons: "1", rpc: "2", aht: "PT1M30S"),
                Self.row("11", "2026-03-02T09:30:00Z", dials: "2", connects: "1", abandons: "0", rpc: "0", aht: "PT2M"),
            ]
        ]
        let page = DialerContactsPage(mapping: 1, skills: ["11"], responses: [answer])
        let (rows, shape) = try DialerContactsMapping.hourlyRows(page)
        #expect(rows == [Self.hour("2026-03-02T09:00:00Z", 10, 4, 1, aht: 97.5, rpc: 2)])
        #expect(shape.rowsKeys == ["outboundStats"] && shape.numberForms == ["string"])
        #expect(shape.handleTimeForms == ["iso8601"] && shape.intervalMinutes == 30)
    }

    @Test func emptyAnswersGiveNoHoursAndSeveralAnswersJoin() throws {
        let later: JSONValue = [
            "wfM_OB_StatsV9": [Self.row(11, "2026-03-03T10:15:00Z", dials: 5, connects: 1, abandons: 0, aht: 60)]
        ]
        let page = DialerContactsPage(
            mapping: 1, skills: ["11"], responses: [.null, ["wfM_OB_StatsV9": []], [:], later])
        let (rows, shape) = try DialerContactsMapping.hourlyRows(page)
        #expect(rows == [Self.hour("2026-03-03T10:00:00Z", 5, 1, 0, aht: 60, rpc: 0)])
        #expect(shape.intervalMinutes == nil)
    }

    @Test func anUnreadableRowOrAnUnknownVersionIsAnErrorNamingIt() {
        let bad: JSONValue = [
            "wfM_OB_StatsV9": [Self.row(11, "2026-03-02T13:00:00Z", dials: "ten", connects: 0, abandons: 0)]
        ]
        #expect {
            try DialerContactsMapping.hourlyRows(DialerContactsPage(mapping: 1, skills: ["11"], responses: [bad]))
        } throws: {
            "\($0)".contains("responses[0].wfM_OB_StatsV9[0].dials") && "\($0)".contains("\"ten\" is not a number")
        }
        #expect {
            try DialerContactsMapping.hourlyRows(DialerContactsPage(mapping: 2, skills: ["11"], responses: []))
        } throws: { "\($0)".contains("version 2 is not known") }
        #expect {
            try DialerContactsMapping.hourlyRows(
                DialerContactsPage(mapping: 1, skills: ["11"], responses: [["stats": []]]))
        } throws: { "\($0)".contains("has none of wfM_OB_StatsV9, outboundStats") }
    }

    @Test func aRecordedPageReadsBackAndDerivesThroughTheMapping() throws {
        let start = try Timestamp(rfc3339: "2026-03-02T13:00:00Z")
        let window = ReportWindow(start: start, end: start.adding(.seconds(3 * 3600)))
        let answer: JSONValue = [
            "wfM_OB_StatsV9": [
                Self.row(11, "2026-03-02T13:15:00Z", dials: 30, connects: 12, abandons: 1, aht: 80),
                Self.row(11, "2026-03-02T15:00:00Z", dials: 50, connects: 20, abandons: 3, aht: 90),
            ]
        ]
        let page = MetricPageFetched(
            campaignID: "C1", window: window, path: "/wfm-data/skills/dialer-contacts", status: 200, rows: [],
            dialerContacts: DialerContactsPage(mapping: 1, skills: ["11"], responses: [answer]))
        let stored = page.json
        #expect(stored["kind"] == "cxone.dialer-contacts" && stored["rows"] == nil)
        #expect(try MetricPageFetched(json: JSONParser.parse(CanonicalJSON(stored).bytes)) == page)
        let hours = try page.derive(under: RuleSet.seed)
        #expect(hours.map(\.counts.attempted) == [30, 40, 50])
        #expect(hours.map(\.source) == [.observed, .interpolated, .observed])
    }
}
