import CXone
import DialerCore
import EventLog
import Foundation
import Pipelines

// tools/bench report: report derivation, projection and replay, against the event log's raw replay
// (a liblmdb cursor over the same log) measured in the same run.
// Usage: ReportBench RAW_LMDB_BINARY SCRATCH_DIR [RUNS]

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ReportBench RAW_LMDB_BINARY SCRATCH_DIR [RUNS]\n".utf8))
    exit(2)
}
let rawBinary = arguments[1]
let scratch = arguments[2]
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 14 : 14
let hourMs: Int64 = 3_600_000
let epoch = Timestamp(milliseconds: 1_640_995_200_000)  // 2022-01-01T00:00:00Z

/// Hourly rows as CXone sends them: a daily curve, `missing` of the hours left out, a few negatives.
func rows(campaign: String, from start: Timestamp, hours: Int, missing: Double) -> [JSONValue] {
    var random = SplitMix64(seed: 7, SplitMix64.hash(campaign))
    var rows: [JSONValue] = []
    rows.reserveCapacity(hours)
    for index in 0..<hours {
        let skip = random.unit() < missing
        let hour = start.milliseconds + Int64(index) * hourMs
        let busy = (13...23).contains(hour / hourMs % 24)
        let attempted = busy ? random.integer(in: 60...180) : random.integer(in: 0...30)
        let connected = attempted * random.integer(in: 25...55) / 100
        let abandoned = random.unit() < 0.01 ? -1 : connected * random.integer(in: 0...8) / 100
        if skip { continue }
        rows.append([
            "date": .string(Timestamp(milliseconds: hour).rfc3339Seconds), "calls_attempted": .int(Int64(attempted)),
            "calls_connected": .int(Int64(connected)), "abandoned": .int(Int64(abandoned)), "avg_talk_time": 120.5,
        ])
    }
    return rows
}

/// Pages from memory, as the CXone client would return them (no network in a benchmark of derivation).
struct GeneratedSource: CampaignReportSource {
    func campaignReport(campaignID: String, start: Timestamp, end: Timestamp) async throws -> MetricPage {
        let hours = Int((end.milliseconds - start.milliseconds) / hourMs)
        return MetricPage(
            campaignID: campaignID, request: "/report", status: 200,
            rows: rows(campaign: campaignID, from: start, hours: hours, missing: 0.2))
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func best(_ tries: Int, _ body: () throws -> Double) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<tries { fastest = min(fastest, try body()) }
    return fastest
}

/// Events per second of a raw liblmdb cursor over the log's `events` database.
func rawScan(_ folder: String) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: rawBinary)
    process.arguments = ["scan", folder]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let rate = output.split(separator: " ").first.flatMap({ Double($0) }) else {
        fatalError("raw_lmdb scan failed: \(output)")
    }
    return rate
}

/// The pure part of a report for `pages`: parse the rows, derive every hour, build the chart (its
/// compliance from the pages' own observed hours, no earlier runs), encode it.
func deriveAndProject(_ pages: [MetricPageFetched], window: ReportWindow) throws -> Int {
    let campaigns = try pages.map { ($0.campaignID, try $0.derive(under: .seed)) }
    let header = ChartDocument.Header(
        reportID: "bench", runID: "bench", asOfSeq: 0, window: window, timeZone: "America/New_York", ruleSet: .seed)
    let history = ObservedHistory(observedIn: campaigns)
    return try ChartDocument(header: header, campaigns: campaigns, failed: [:], history: history).bytes.count
}

func page(_ campaign: String, _ window: ReportWindow) -> MetricPageFetched {
    let hours = Int((window.end.milliseconds - window.start.milliseconds) / hourMs)
    return MetricPageFetched(
        campaignID: campaign, window: window, path: "/report", status: 200,
        rows: rows(campaign: campaign, from: window.start, hours: hours, missing: 0.2))
}

// 1. The log: RUNS report runs of 100 campaigns × 31 days through the real runner.
let folder = scratch + "/report-log"
try? FileManager.default.removeItem(atPath: folder)
let store = try LMDBEventStore(path: folder)
var limits = ReportLimits()
limits.maxCampaigns = 100
limits.stagger = .zero
let runner = ReportRunner(
    store: store, source: GeneratedSource(), limits: limits, now: { Timestamp(milliseconds: 1_796_000_000_000) })
let month = ReportWindow(start: epoch, end: Timestamp(milliseconds: epoch.milliseconds + 31 * 24 * hourMs))
let campaigns = (1...100).map { "CAMPAIGN_" + String(format: "%03d", $0) }
FileHandle.standardError.write(Data("== writing \(runs) report runs of 100 campaigns × 31 days\n".utf8))
let runStart = DispatchTime.now().uptimeNanoseconds
for _ in 0..<runs { _ = try await runner.run(ReportRequest(campaigns: campaigns, window: month)) }
let runSeconds = Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9
let total = try await store.lastSequence()
let raw = try (0..<5).map { _ in try rawScan(folder) }.max()!
func line(_ label: String, _ rate: Double, _ unit: String = "events/s") {
    print(String(format: "%@: %.0f %@, raw replay %.0f events/s, ratio %.3f", label, rate, unit, raw, rate / raw))
}
print("log: \(total) events in \(runs) runs")
line("report run (derive, append, project, in-process pages)", Double(total) / runSeconds)

// 2. A 10-year hourly series for one campaign: derive + project.
let decade = ReportWindow(start: epoch, end: Timestamp(milliseconds: epoch.milliseconds + 87_600 * hourMs))
let decadePage = page("CAMPAIGN_001", decade)
var size = 0
let decadeSeconds = try best(5) { try seconds { size = try deriveAndProject([decadePage], window: decade) } }
let parseOnly = try best(5) { try seconds { _ = try decadePage.observedHours() } }
let observed = try decadePage.observedHours()
let deriveOnly = best(5) {
    seconds { _ = IntervalDeriver.derive(observed, from: decade.start, to: decade.end, rules: .seed) }
}
let derived = IntervalDeriver.derive(observed, from: decade.start, to: decade.end, rules: .seed)
let decadeHeader = ChartDocument.Header(
    reportID: "bench", runID: "bench", asOfSeq: 0, window: decade, timeZone: "America/New_York", ruleSet: .seed)
let decadeHistory = ObservedHistory(observedIn: [("CAMPAIGN_001", derived)])
let projectOnly = try best(5) {
    try seconds {
        _ = try ChartDocument(
            header: decadeHeader, campaigns: [("CAMPAIGN_001", derived)], failed: [:], history: decadeHistory)
    }
}
print(
    String(
        format: "10-year series (87,600 hours, %d rows, 20%% missing): derive + project %.1f ms (parse rows %.1f, "
            + "derive %.1f, project %.1f), chart %d bytes; target < 50 ms", decadePage.rows.count,
        decadeSeconds * 1000, parseOnly * 1000, deriveOnly * 1000, projectOnly * 1000, size))
line("10-year series derive + project", 87_600 / decadeSeconds, "hours/s")

// 3. 100 campaigns × 31 days: derive + project.
let monthPages = campaigns.map { page($0, month) }
let monthSeconds = try best(3) { try seconds { _ = try deriveAndProject(monthPages, window: month) } }
print(String(format: "100 campaigns × 31 days (74,400 hours): derive + project %.1f ms", monthSeconds * 1000))
line("100 campaigns × 31 days derive + project", 74_400 / monthSeconds, "hours/s")

// 4. Replay every report of the log into chart JSON, as recorded.
var replayTimes: [Double] = []
for _ in 0..<3 {
    let start = DispatchTime.now().uptimeNanoseconds
    try await store.withSnapshot { snapshot in
        var reports: [ReportGenerated] = []
        try snapshot.scanInPlace(EventQuery(type: ReportEvent.generated)) { view in
            reports.append(try ReportGenerated(json: try JSONParser.parse(Array(view.payloadBytes))))
            return true
        }
        for report in reports {
            let run = try RecordedRun(runID: report.runID, snapshot: snapshot, throughSeq: report.asOfSeq)
            let bytes = try run.chart(asOfSeq: report.asOfSeq).bytes
            precondition(SHA256Digest.of(bytes) == report.sha256, "replay differs from \(report.reportID)")
        }
    }
    replayTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
let replaySeconds = replayTimes.min()!
print(String(format: "replay %llu events into %d charts: %.2f s", total, runs, replaySeconds))
line("replay into chart JSON (as recorded, SHA-256 checked)", Double(total) / replaySeconds)
try? FileManager.default.removeItem(atPath: folder)
