import DialerCore
import DialerTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Input is refused naming the option, never reinterpreted: one date grammar for every command, cron
/// forms robfig refuses, settings files, campaigns; and `--out` writes through what is not a regular file.
@Suite struct InputRefusalTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private let noCXone = ["CXONE_BASE_URL": ""]

    @Test func everyInstantOptionRefusesTheSameBadDates() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(try await tool.run(["sample", "--data", folder.path, "--batches", "1"]).status == 0)
        let data = ["--data", folder.path]
        let commands: [(arguments: [String], option: String)] = [
            (["cron", "next", "@hourly", "--from"], "--from"),
            (["report", "run"] + data + ["--campaigns", "A", "--to"], "--to"),
            (["report", "run"] + data + ["--campaigns", "A", "--from"], "--from"),
            (["audit"] + data + ["--from"], "--from"),
            (["audit"] + data + ["--to"], "--to"),
            (["events", "count"] + data + ["--from"], "--from"),
            (["events", "list"] + data + ["--to"], "--to"),
            (["events", "count"] + data + ["--as-of"], "--as-of"),
            (["replay"] + data + ["--as-of"], "--as-of"),
            (["schedule", "status"] + data + ["--as-of"], "--as-of"),
            (["sample"] + data + ["--first-day"], "--first-day"),
        ]
        let dates = [
            ("2026-13-01", "has month 13, not 1-12"), ("2026-00-31", "has month 0, not 1-12"),
            ("2026-02-29", "has day 29, not 1-28 in 2026-02"), ("0001-01-01", "has year 0001, not 1583-9999"),
            ("2026-06-01T24:00:00Z", "has hour 24, not 0-23"),
            ("9999-12-31T23:00:00-05:00", "is after 9999-12-31T23:59:59.999Z"),
        ]
        let before = try await tool.run(["events", "count"] + data)
        for (arguments, option) in commands {
            for (date, reason) in dates {
                let outcome = try await tool.run(arguments + [date], environment: noCXone)
                #expect(outcome.status != 0, "\(arguments) \(date)")
                #expect(
                    outcome.stderr.contains("\(option): \"\(date)\" \(reason)"),
                    "\(arguments) \(date): \(outcome.stderr)")
            }
        }
        #expect(try await tool.run(["events", "count"] + data).stdout == before.stdout, "nothing was recorded")
        let midnight = try await tool.run([
            "cron", "next", "@hourly", "--tz", "America/New_York", "--from", "2026-03-08", "--count", "1",
        ])
        #expect(midnight.lines == ["2026-03-08T01:00:00-05:00"], "\(midnight.stderr)")
        let late = try await tool.run(["cron", "next", "@every 2h", "--from", "9999-12-31T22:59:59Z"])
        #expect(late.status == 0 && late.lines.isEmpty, "no five-digit year: \(late.stdout)")
    }

    @Test func cronFormsRobfigRefusesAreRefusedEverywhere() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = folder.appending("contacts.csv")
        try Data("id,timezone\nc1,America/New_York\n".utf8).write(to: URL(fileURLWithPath: contacts))
        let forms = [
            (
                "*/99999999999999999999 * * * *",
                #"minute: step "99999999999999999999" in "*/99999999999999999999" is too large"#
            ),
            ("@DAILY", #"expression: "@DAILY" is not a descriptor"#),
            ("0 0 30 2 *", #"day-of-month: "30" never falls in month "2", so the schedule never fires"#),
        ]
        for (expression, message) in forms {
            let next = try await tool.run(["cron", "next", expression])
            #expect(next.status == 2 && next.stderr.contains(message), "\(next.stderr)")
            let schedule = try await tool.run(
                [
                    "schedule", "run", "--data", folder.path, "--campaign", "C", "--cron", expression, "--contacts",
                    contacts,
                ], environment: noCXone)
            #expect(schedule.status == 2 && schedule.stderr.contains(message), "\(schedule.stderr)")
            let settings = folder.appending("settings.json")
            let job = #"{"jobs": [{"id": "daily", "cron": "\#(expression)", "campaigns": ["A"]}]}"#
            try Data(job.utf8).write(to: URL(fileURLWithPath: settings))
            // Read and checked although nothing is published.
            let report = try await tool.run(
                [
                    "report", "run", "--data", folder.path, "--campaigns", "A", "--from", "2026-11-30", "--to",
                    "2026-12-01", "--config", settings,
                ], environment: noCXone)
            #expect(report.status == 2 && report.stderr.contains("jobs[0].cron"), "\(report.stderr)")
            #expect(report.stderr.contains(message), "\(report.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")), "refused before the log was made")
    }

    @Test func emptyCampaignsAndMalformedContactsAreRefused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = folder.appending("contacts.csv")
        func schedule(campaign: String, _ text: String) async throws -> CommandLineTool.Outcome {
            try Data(text.utf8).write(to: URL(fileURLWithPath: contacts))
            return try await tool.run(
                [
                    "schedule", "run", "--data", folder.path, "--campaign", campaign, "--cron", "0 9 * * *",
                    "--contacts", contacts,
                ], environment: noCXone)
        }
        let empty = try await schedule(campaign: "", "id,timezone\nc1,UTC\n")
        #expect(empty.status != 0 && empty.stderr.contains("--campaign: must not be empty"), "\(empty.stderr)")
        let cases = [
            ("id,timezone\nc\"1,UTC\n", "contacts.csv:2: csv: a quote inside an unquoted field"),
            ("id,timezone\nc\u{1}1,UTC\n", "contacts.csv:2: id: \"c?1\" has a control character (U+0001)"),
            ("id,timezone,ID\nc1,UTC,c2\n", "contacts.csv:1: header: names the column \"id\" twice"),
        ]
        for (text, message) in cases {
            let outcome = try await schedule(campaign: "C", text)
            #expect(outcome.status == 2 && outcome.stderr.contains(message), "\(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")))
    }

    @Test func outWritesThroughAFIFOAndASymlinkInsteadOfReplacingThem() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let report = folder.appending("report.json")
        let run = try await tool.run(
            [
                "report", "run", "--data", folder.path, "--campaigns", "CAMPAIGN_001", "--from", "2026-11-30", "--to",
                "2026-12-01", "--out", report,
            ], environment: noCXone)
        #expect(run.status == 0, "\(run.stderr)")
        let written = try Data(contentsOf: URL(fileURLWithPath: report))
        try #require(written.count < 60_000, "the FIFO's buffer holds the whole report")

        // A FIFO with a reader already open: the replay's bytes arrive through it and it stays a FIFO.
        let fifo = folder.appending("chart.fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        let replay = try await tool.run(["replay", "--data", folder.path, "--out", fifo])
        #expect(replay.status == 0, "\(replay.stderr)")
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while case let count = read(reader, &buffer, buffer.count), count > 0 { received += buffer[..<count] }
        #expect(Data(received) == written)
        #expect(Self.kind(fifo) == S_IFIFO)

        // A symlink: its target gets the report, the link stays a link.
        let target = folder.appending("target.json")
        let link = folder.appending("link.json")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let throughLink = try await tool.run(["replay", "--data", folder.path, "--out", link])
        #expect(throughLink.status == 0, "\(throughLink.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == written)
        #expect(Self.kind(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)

        // A regular file is still replaced whole.
        try Data("old".utf8).write(to: URL(fileURLWithPath: report))
        #expect(try await tool.run(["replay", "--data", folder.path, "--out", report]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: report)) == written)
    }

    /// The file type bits of `path` itself (a link is not followed).
    private static func kind(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }
}
