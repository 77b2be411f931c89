import DialerCore
import DialerTesting
import Foundation
import Testing

/// `report show` and `replay --format` as a user runs them, and the report page in a real browser.
@Suite struct ReportPageCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private let noCXone = ["CXONE_BASE_URL": ""]
    /// A zone 12:45 ahead of UTC and a German locale (decimal commas, dots between thousands).
    private static let elsewhere = ["TZ": "Pacific/Chatham", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"]
    private static let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools")

    /// Runs a report of three campaigns and one CXone does not know into `folder`; its id.
    private func report(in folder: TemporaryFolder) async throws -> String {
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001,CAMPAIGN_002,CAMPAIGN_003,NOPE",
                "--from", "2026-11-30", "--to", "2026-12-01", "--tz", "Europe/Paris", "--out",
                folder.appending("report.json"),
            ], environment: noCXone)
        #expect(run.status == 0, "\(run.stderr)")
        let chart = try JSONParser.parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: folder.appending("report.json")))))
        return try #require(chart["report_id"]?.stringValue)
    }

    @Test func thePageAndTheCSVAreTheSameBytesInAnotherProcessZoneAndLocale() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = try await report(in: folder)
        for format in ["html", "csv"] {
            let file = folder.appending("report.\(format)")
            let shown = try await tool.run([
                "report", "show", id, "--data", folder.path, "--format", format, "--out", file,
            ])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.hasPrefix("written: \(file) (\(format), "))
            let written = try Data(contentsOf: URL(fileURLWithPath: file))
            let replayed = try await tool.run(
                ["replay", "--data", folder.path, "--report", id, "--format", format, "--out", "-"],
                environment: Self.elsewhere)
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(replayed.stderr.contains("byte for byte"))
            #expect(Data(replayed.stdout.utf8) == written, "replay --format \(format) in Pacific/Chatham and de_DE")
            let printed = try await tool.run(
                ["report", "show", id, "--data", folder.path, "--format", format], environment: Self.elsewhere)
            #expect(Data(printed.stdout.utf8) == written, "report show --format \(format) on standard output")
        }
        let json = try await tool.run(["report", "show", id, "--data", folder.path])
        #expect(
            Data(json.stdout.utf8) == (try Data(contentsOf: URL(fileURLWithPath: folder.appending("report.json")))) + [
                0x0A
            ])

        let page = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: folder.appending("report.html"))), as: UTF8.self)
        #expect(page.contains("<strong>NOPE</strong>: CXone campaign report answered HTTP 404"))
        #expect(page.contains("3 of 4 reported: CAMPAIGN_001, CAMPAIGN_002, CAMPAIGN_003"))
        #expect(page.contains("2026-11-30 00:00 UTC+01:00 – 2026-12-01 00:00 UTC+01:00 (Europe/Paris)"))
        let csv = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: folder.appending("report.csv"))), as: UTF8.self)
        let rows = csv.components(separatedBy: "\r\n").dropLast()
        #expect(rows.first?.hasPrefix("campaign_id,timestamp,calls_attempted,") == true)
        for campaign in ["CAMPAIGN_001", "CAMPAIGN_002", "CAMPAIGN_003"] {
            #expect(rows.count { $0.hasPrefix(campaign + ",") } == 24, "every hour of \(campaign), kept or dropped")
        }
        #expect(rows.contains { $0.hasPrefix("CAMPAIGN_001,2026-11-30T00:00:00+01:00,") })
        #expect(rows.last?.hasPrefix("ALL,") == true)
    }

    @Test func aMissingReportAndAFormatWithNowhereToGoAreNamed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = try await report(in: folder)
        let missing = try await tool.run(["report", "show", "rpt-nope", "--data", folder.path, "--format", "html"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains(#"no report "rpt-nope" in the log"#), "\(missing.stderr)")
        let nowhere = try await tool.run(["replay", "--data", folder.path, "--format", "html"])
        #expect(nowhere.status != 0)
        #expect(nowhere.stderr.contains("--format: needs --out"), "\(nowhere.stderr)")
        let diff = try await tool.run(
            ["replay", "--data", folder.path, "--rules", "zero-fill", "--diff", "--format", "csv", "--out", "-"])
        #expect(diff.stderr.contains("--format: the diff is JSON only"), "\(diff.stderr)")
        let pdf = try await tool.run(["report", "show", id, "--data", folder.path, "--format", "pdf"])
        #expect(pdf.status != 0)
        #expect(pdf.stderr.contains("pdf"), "\(pdf.stderr)")
        let rederived = try await tool.run(
            ["replay", "--data", folder.path, "--report", id, "--rules", "zero-fill", "--format", "html", "--out", "-"])
        #expect(rederived.status == 0, "\(rederived.stderr)")
        #expect(rederived.stdout.contains("<dt>Rule set</dt><dd>zero-fill (min calls"), "the page of the re-derivation")
    }

    @Test func aBrowserDrawsOneChartPerCampaignAtAnyWidthAndLoadsNothing() async throws {
        guard Self.chromiumIsInstalled else {
            Issue.record(
                "chromium is not installed: run tools/setup (tools/test does), which installs Debian's chromium")
            return
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = try await report(in: folder)
        let page = folder.appending("report.html")
        #expect(
            try await tool.run(["report", "show", id, "--data", folder.path, "--format", "html", "--out", page]).status
                == 0)
        let blank = folder.appending("blank.html")
        try Data("<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>\n".utf8)
            .write(to: URL(fileURLWithPath: blank))
        let screenshot = Self.tools.appendingPathComponent("screenshot").path
        for width in [1280, 360] {
            var sizes: [Int] = []
            for (name, file) in [("page", page), ("blank", blank)] {
                let png = folder.appending("\(name)-\(width).png")
                let shot = try await tool.run(executable: screenshot, [file, png, "\(width)", "2000"])
                #expect(shot.status == 0, "tools/screenshot: \(shot.stderr)")
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: png)))
                let size = Self.pngSize(bytes)
                #expect(size?.0 == width && size?.1 == 2000, "\(name) at \(width) px: \(String(describing: size))")
                sizes.append(bytes.count)
            }
            // A page of text and charts compresses far worse than a blank one.
            #expect(sizes[0] > 10 * sizes[1], "the page's screenshot at \(width) px is not blank: \(sizes)")
        }
        let dom = try await tool.run(executable: screenshot, ["--dom", page])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.contains("</html>"))
        for (kind, count) in [("counts", 3), ("rates", 3), ("comparison", 1)] {
            #expect(dom.stdout.components(separatedBy: "data-chart=\"\(kind)\"").count - 1 == count, "\(kind) charts")
        }
        for campaign in ["CAMPAIGN_001", "CAMPAIGN_002", "CAMPAIGN_003"] {
            #expect(dom.stdout.contains("data-chart=\"counts\" data-campaign=\"\(campaign)\""))
        }
        let external = try Regex(
            #"(?i)(src|href|action|srcset|xlink:href)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?\s*(?!#)|@import"#)
        #expect(dom.stdout.firstMatch(of: external) == nil, "a reference outside the page")
        #expect(!dom.stdout.contains("http://") && !dom.stdout.contains("https://"))
        #expect(!dom.stdout.contains("<script"))
    }

    /// Whether Debian's chromium is on the PATH.
    private static var chromiumIsInstalled: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
        }
    }

    /// A PNG's width and height from its IHDR chunk; nil when the bytes are not a PNG.
    private static func pngSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            bytes[12..<16] == Array("IHDR".utf8)[...]
        else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }
}
