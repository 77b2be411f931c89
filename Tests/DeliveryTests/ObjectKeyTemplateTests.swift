import DialerCore
import Foundation
import Testing

@testable import Delivery

@Suite struct ObjectKeyTemplateTests {
    private let window = ReportWindow(
        start: Timestamp(milliseconds: 1_796_101_200_000 - 86_400_000), end: Timestamp(milliseconds: 1_796_101_200_000))

    @Test func theSeedKeyNamesTheWindowsLastLocalDay() throws {
        // The window ends at 2026-12-01T05:00:00Z, midnight in New York: its last day is 30 November there.
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        #expect(
            try ObjectKeyTemplate.seed.key(reportID: "rpt-1", window: window, timeZone: zone, campaigns: ["A"])
                == "reports/dialer_2026-11-30.json")
        // The default gives each report its own key, so a second report that day cannot replace the first.
        #expect(
            try ObjectKeyTemplate.default.key(reportID: "rpt-1", window: window, timeZone: zone, campaigns: ["A"])
                == "reports/dialer_2026-11-30_rpt-1.json")
        let utc = try #require(TimeZone(identifier: "UTC"))
        let custom = try ObjectKeyTemplate("dialer/{campaigns}/{date}/{report_id}.json")
        #expect(
            try custom.key(reportID: "rpt-9", window: window, timeZone: utc, campaigns: ["A", "B"])
                == "dialer/A+B/2026-12-01/rpt-9.json")
    }

    @Test func badTemplatesAreRefusedByName() {
        for (template, reason) in [
            ("reports/{day}.json", "unknown placeholder {day}"), ("/reports/x.json", "must not start with /"),
            ("reports/{date.json", "a { is never closed"), ("", "must be 1 to 900 bytes"),
            ("reports/../{date}.json", #""reports/../{date}.json" must be a relative path"#),
            ("../reports/{date}.json", #""../reports/{date}.json" must be a relative path"#),
            ("reports//{date}.json", #""reports//{date}.json" must be a relative path"#),
            ("reports/./{date}.json", #""reports/./{date}.json" must be a relative path"#),
        ] {
            #expect {
                try ObjectKeyTemplate(template)
            } throws: { error in
                guard case DialerCoreError.invalidField(let field, let said) = error else { return false }
                return field == "key_template" && said.hasPrefix(reason)
            }
        }
    }

    @Test func aKeyThatCampaignIdsWouldTakeOutOfItsPrefixIsRefused() throws {
        let template = try ObjectKeyTemplate("reports/{campaigns}/{date}.json")
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect {
            try template.key(reportID: "rpt-1", window: window, timeZone: utc, campaigns: [".."])
        } throws: { error in
            guard case DialerCoreError.invalidField(let field, let said) = error else { return false }
            return field == "key_template" && said.contains(#""reports/../2026-12-01.json""#)
        }
    }
}
