import DialerCore
import Foundation
import Testing

/// The report's view model and its two renderers, the page and the CSV, from literal inputs.
@Suite struct ReportViewTests {
    private static let day = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z

    private static func at(_ hour: Int64) -> Timestamp { Timestamp(milliseconds: day.milliseconds + hour * 3_600_000) }

    private static func hour(
        _ index: Int64, _ a: Double, _ c: Double, _ ab: Double, _ source: DerivedInterval.Source = .observed,
        dropped: String? = nil
    ) -> DerivedInterval {
        DerivedInterval(
            hour: at(index), counts: HourCounts(attempted: a, connected: c, abandoned: ab), source: source,
            droppedBy: dropped)
    }

    /// Content over `hours` hours from `day` in `zone`, the campaigns' observed hours as their history.
    private static func content(
        _ campaigns: [(id: String, intervals: [DerivedInterval])], failed: [String: String] = [:], hours: Int64 = 4,
        zone: String = "UTC"
    ) -> ReportContent {
        let header = ChartDocument.Header(
            reportID: "r-1", runID: "run-1", asOfSeq: 42, window: ReportWindow(start: day, end: at(hours)),
            timeZone: zone, ruleSet: .seed)
        return ReportContent(
            header: header, campaigns: campaigns, failed: failed, history: ObservedHistory(observedIn: campaigns))
    }

    private static let mixed: [(id: String, intervals: [DerivedInterval])] = [
        (
            "C1",
            [
                hour(0, 1234, 300, 9), hour(1, 40, 10, 1, .interpolated), hour(2, 30, 9, 0, .filled),
                hour(3, 5, 1, 0, dropped: "min_calls"),
            ]
        )
    ]

    private static func page(_ content: ReportContent) throws -> String {
        String(
            decoding: ReportPage.html(try ReportView(content, sha256: SHA256Digest.of(Array("chart".utf8)))),
            as: UTF8.self)
    }

    @Test func droppedHoursAreLabelledGapsAndEstimatesAreDrawnApartFromFacts() throws {
        let view = try ReportView(Self.content(Self.mixed), sha256: nil)
        let series = try #require(view.campaigns.first?.series)
        #expect(view.slots.map(\.label) == (0..<4).map { "2026-11-24T0\($0):00:00Z" })
        #expect(series.hours.map { $0?.kept } == [true, true, true, false])
        #expect((series.observed, series.interpolated, series.filled, series.dropped) == (1, 1, 1, 1))
        #expect(series.counts.attempted == 1304, "the kept hours only")
        #expect(view.total.hours[3]?.droppedBy == "min_calls", "an hour no campaign kept is a gap in the total too")
        let page = try Self.page(Self.content(Self.mixed))
        #expect(page.contains(#"class="dropped" data-dropped-by="min_calls""#))
        #expect(page.contains(">dropped: min_calls</text>"))
        #expect(page.contains(##"fill="#1f5fa8" class="observed""##), "observed: solid")
        #expect(page.contains(##"fill="url(#c1-hatch-attempts)" stroke="#1f5fa8""##), "interpolated: hatched")
        #expect(page.contains(##"fill="#ffffff" stroke="#1f5fa8" stroke-width="1.5""##), "filled: outlined")
        #expect(page.contains(#"<tr class="dropped"><th scope="row">2026-11-24 03:00 UTC</th>"#))
        #expect(page.components(separatedBy: #"data-chart="counts""#).count == 2)
        #expect(page.components(separatedBy: #"data-chart="rates""#).count == 2)
    }

    @Test func numbersAreWrittenTheSameInEveryLocale() {
        #expect(ReportText.count(1234) == "1,234")
        // Whole calls for people (estimates have fractions; the CSV and the JSON keep them).
        #expect(ReportText.count(1_234_567.5) == "1,234,568")
        #expect(ReportText.count(25.456) == "25" && ReportText.count(-2.5) == "-3")
        #expect(ReportText.count(-1000) == "-1,000")
        #expect(ReportText.percent(0.0221, decimals: 4) == "2.21 %")
        #expect(ReportText.percent(0.5, decimals: 4) == "50.00 %")
        #expect(ReportText.percent(0.03, decimals: 2) == "3 %")
        #expect(ReportText.percent(nil, decimals: 4) == "–")
    }

    @Test func thePageIsOneSelfContainedDocument() throws {
        let page = try Self.page(Self.content(Self.mixed, failed: ["C9": "HTTP 404"]))
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.hasSuffix("</html>\n"))
        for banned in ["<script", "http:", "https:", "//", " src=", "href=", "@import", "<link", "<img"] {
            #expect(!page.contains(banned), "\(banned) in the page")
        }
        #expect(page.components(separatedBy: "url(").count == page.components(separatedBy: "url(#").count)
        for needed in [
            "<style>", "@media print", "name=\"viewport\"", "<caption", "scope=\"col\"", "scope=\"row\"",
            "role=\"img\"", "<title id=\"c1-counts-title\">", "<desc id=\"c1-rates-desc\">",
            "compliance threshold 3.00 %",
            "As of log sequence <strong>42</strong>", SHA256Digest.of(Array("chart".utf8)).hex, RuleSet.seed.hash.hex,
            "C9</strong>: HTTP 404", "2026-11-24 00:00 UTC – 2026-11-24 04:00 UTC (UTC)", "1,304",
        ] {
            #expect(page.contains(needed), "\(needed) missing")
        }
        #expect(try Self.page(Self.content(Self.mixed, failed: ["C9": "HTTP 404"])) == page, "rendered twice")
    }

    @Test func textFromOutsideIsEscaped() throws {
        let id = #"<script>alert("x")</script>&'"#
        let page = try Self.page(
            Self.content([(id, [Self.hour(0, 30, 10, 1)])], failed: ["<img src=x onerror=y>": "<b>bad</b> & \"worse\""])
        )
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(page.contains(#"data-campaign="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;""#))
    }

    @Test func theCSVIsRFC4180WithOneRowPerCampaignHourThenTheTotal() throws {
        let campaigns = Self.mixed + [(#"A,"B""#, [Self.hour(0, 100, 50, 2), Self.hour(1, 0, 0, 0)])]
        let csv = ReportCSV.csv(try ReportView(Self.content(campaigns), sha256: nil))
        let text = String(decoding: csv, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends only")
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(
            lines.first
                == "campaign_id,timestamp,calls_attempted,calls_connected,calls_abandoned,contact_rate,abandonment_rate,compliance_abandonment_rate,source,kept,dropped_by"
        )
        #expect(lines.dropFirst().first == "C1,2026-11-24T00:00:00Z,1234,300,9,0.2431,0.0073,0.0291,observed,true,")
        #expect(lines.contains("C1,2026-11-24T03:00:00Z,5,1,0,0.2,0,0,observed,false,min_calls"))
        #expect(lines.contains(#""A,""B""",2026-11-24T01:00:00Z,0,0,0,,,,observed,true,"#), "quoted; no rates")
        let all = lines.filter { $0.hasPrefix("ALL,") }
        #expect(all.count == 3, "the hours some campaign kept")
        #expect(all.first == "ALL,2026-11-24T00:00:00Z,1334,350,11,0.2624,0.0082,0.0305,observed,true,")
        #expect(lines.suffix(3) == all[...], "the total block comes last")
        #expect(all[1].hasSuffix(",mixed,true,"))
    }

    @Test func theReportBreachesWhenACampaignDoesAndPassesOnlyWhenEveryOneDoes() throws {
        let calm = (0..<24).map { Self.hour(Int64($0), 100, 50, 0) }
        let loud = (0..<24).map { Self.hour(Int64($0), 100, 50, 10) }
        let both = try ReportView(Self.content([("CALM", calm), ("LOUD", loud)], hours: 24), sha256: nil)
        #expect(both.campaigns.map(\.verdict) == [.pass, .breach])
        #expect(both.campaigns[1].compliance.map(\.verdict) == [.breach, .insufficientData])
        #expect(both.verdict == .breach)
        #expect(try ReportView(Self.content([("CALM", calm)], hours: 24), sha256: nil).verdict == .pass)
        let short = try ReportView(Self.content([("CALM", Array(calm.prefix(3)))], hours: 24), sha256: nil)
        #expect(short.verdict == .insufficientData)
        let page = try Self.page(Self.content([("CALM", calm), ("LOUD", loud)], hours: 24))
        #expect(page.contains(#"<li class="tile verdict-breach">"#))
        #expect(page.contains("rolling windows: breach (threshold 3.00 %)"))
    }

    @Test func hoursAreLabelledInTheReportsZoneAcrossADaylightSavingChange() throws {
        // 2026-11-01 in New York: 01:00 happens twice, at -04:00 then at -05:00.
        let start = Timestamp(milliseconds: 1_793_505_600_000)  // 2026-11-01T04:00:00Z, local midnight
        let header = ChartDocument.Header(
            reportID: "r-2", runID: "run-2", asOfSeq: 7,
            window: ReportWindow(start: start, end: Timestamp(milliseconds: start.milliseconds + 4 * 3_600_000)),
            timeZone: "America/New_York", ruleSet: .seed)
        let view = try ReportView(
            ReportContent(header: header, campaigns: [], failed: [:], history: .empty), sha256: nil)
        #expect(
            view.slots.map(\.label) == [
                "2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00",
                "2026-11-01T02:00:00-05:00",
            ])
        #expect(view.windowText == "2026-11-01 00:00 UTC-04:00 – 2026-11-01 03:00 UTC-05:00 (America/New_York)")
        #expect(view.verdict == .insufficientData, "no campaign: nothing judged")
    }
}
