import DialerTesting
import Foundation
import Testing

/// `dialer-ledger cron next`, for one expression and for a table on standard input.
@Suite struct CronCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func printsTheNextTimesWithTheirOffsetAcrossSpringForward() async throws {
        let outcome = try await tool.run([
            "cron", "next", "30 2 * * *", "--tz", "America/New_York", "--from", "2026-03-06T12:00:00Z", "--count", "3",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // 02:30 does not exist on 8 March 2026 in New York: a fixed-time job fires once, when the gap ends.
        #expect(
            outcome.lines == ["2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
        let literal = try await tool.run([
            "cron", "next", "30 2 * * *", "--tz", "America/New_York", "--from", "2026-03-07T12:00:00Z", "--count", "1",
            "--dst", "literal",
        ])
        #expect(literal.lines == ["2026-03-09T02:30:00-04:00"])
    }

    @Test func checksATableFromStandardInput() async throws {
        let input = [
            "0 9 * * 1-5\tEurope/London\t2026-03-27T10:00:00Z", "61 * * * *\tUTC\t2026-01-01T00:00:00Z",
            "@hourly\tMars/Olympus\t2026-01-01T00:00:00Z", "0 0 30 2 *\tUTC\t2026-01-01T00:00:00Z",
        ].joined(separator: "\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cron-\(UUID().uuidString)")
        try Data(input.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await tool.run(
            executable: "/bin/sh", ["-c", "\"$0\" cron next --stdin --count 2 < \"$1\"", tool.executable, file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.lines == [
                "2026-03-30T09:00:00+01:00\t2026-03-31T09:00:00+01:00", "error\tminute: \"61\" is out of range 0-59",
                "error\tzone: \"Mars/Olympus\" is not an IANA time zone",
                "error\tday-of-month: \"30\" never falls in month \"2\", so the schedule never fires",
            ])
    }

    @Test func aBadExpressionNamesTheField() async throws {
        let outcome = try await tool.run(["cron", "next", "0 25 * * *"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(#"hour: "25" is out of range 0-23"#))
    }
}
