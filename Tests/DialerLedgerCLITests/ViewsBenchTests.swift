import DialerTesting
import Foundation
import Testing

/// `tools/bench views` runs end to end on a small log: it builds the log with the command, serves it, and
/// prints every figure (a smoke test of the benchmark; nothing here is timed).
@Suite struct ViewsBenchTests {
    @Test func benchBuildsAServedLogAndPrintsEveryFigure() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bench = try CommandLineTool("ViewsBench")
        let cli = try CommandLineTool()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let raw = folder.appending("raw_lmdb")
        let compiled = try await CommandLineTool.runAny(
            "/bin/sh",
            [
                "-c", "cc -O2 -o \"$0\" \"$1\" $(pkg-config --cflags --libs lmdb)", raw,
                root + "/Benchmarks/raw-lmdb/raw_lmdb.c",
            ])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let arguments = [
            "--cli", cli.executable, "--raw", raw, "--events", "200", "--requests", "3", "--clients", "2",
            "--cache", folder.appending("cache"), "--contacts", root + "/tools/demo-data/contacts.csv",
        ]
        let first = try await bench.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.lines
        // The cached log's folder is named by size and generator version.
        let firstLine = lines.first ?? ""
        #expect(firstLine.hasPrefix("log: built \(folder.path)/cache/views-200-v"))
        let cached = firstLine.dropFirst("log: built ".count).prefix { $0 != ":" }
        for figure in [
            "audit page of 100", "completion (CAMPAIGN_00", "report by id", "/healthz, idle",
            "/healthz while 2 clients read 1000-event pages", "event page of 1000 under that load",
        ] {
            let line = lines.first { $0.hasPrefix(figure) }
            #expect(line?.contains(" ms, p99 ") == true, "\(figure): \(lines)")
        }
        #expect(lines.first { $0.hasPrefix("report by id") }?.contains("raw p99") == true)

        // A second run reuses the cached log.
        let second = try await bench.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.lines.first?.hasPrefix("log: reused \(cached): built ") == true)
    }
}
