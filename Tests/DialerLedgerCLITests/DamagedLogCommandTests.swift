import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// Commands on a damaged log refuse it or report it unsound, and never end by a signal.
@Suite struct DamagedLogCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Writes a sample log in `folder` and returns its data file's bytes.
    private func sampleLog(in folder: TemporaryFolder) async throws -> [UInt8] {
        let sample = try await tool.run(["sample", "--data", folder.path])
        #expect(sample.status == 0)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.appending("log/data.mdb"))))
    }

    @Test(arguments: [8_192, 0])
    func aCutShortLogIsRefusedByEveryCommand(keptBytes: Int) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = try await sampleLog(in: folder)
        let kept = Data(bytes.prefix(keptBytes > 0 ? keptBytes : bytes.count / 2))
        let dataFile = folder.appending("log/data.mdb")
        try kept.write(to: URL(fileURLWithPath: dataFile))
        for command in [["verify"], ["events", "count"], ["report", "run", "--campaigns", "CAMPAIGN_001"]] {
            let outcome = try await tool.run(command + ["--data", folder.path], environment: quiet)
            #expect(!outcome.signalled, "\(command) died by signal \(outcome.status)")
            #expect(outcome.status == 2, "\(command)")
            #expect(
                outcome.stderr.hasPrefix(
                    "dialer-ledger: \(folder.appending("log")): damaged log, not opened (data.mdb is \(kept.count) bytes"
                ))
            #expect(outcome.stderr.contains("the file was cut short"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataFile)) == kept)
    }

    /// Flips one bit at offsets drawn from a fixed seed, most in page headers and node pointers (where
    /// LMDB follows offsets without checks), and runs `verify` on each copy.
    @Test func byteFlipsNeverEndVerifyByASignal() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = try await sampleLog(in: folder)
        let dataFile = URL(fileURLWithPath: folder.appending("log/data.mdb"))
        var random = SplitMix64(seed: 16)
        var statuses: [Int32: Int] = [:]
        for _ in 0..<48 {
            let page = random.integer(in: 2...(bytes.count / 4_096 - 1))
            let within = random.integer(in: 0...3) == 0 ? random.integer(in: 0...4_095) : random.integer(in: 0...47)
            var damaged = bytes
            damaged[page * 4_096 + within] ^= 1 << UInt8(random.next() % 8)
            try Data(damaged).write(to: dataFile)
            let outcome = try await tool.run(["verify", "--data", folder.path], environment: quiet)
            let place = "page \(page) byte \(within)"
            #expect(!outcome.signalled, "\(place): verify died by signal \(outcome.status)")
            #expect([0, 1, 2].contains(outcome.status), "\(place)")
            if outcome.status != 0 {
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(place): \(outcome.stderr)")
            }
            statuses[outcome.status, default: 0] += 1
        }
        #expect(statuses[1, default: 0] > 0)
    }

    /// Every node pointer of the log's B-tree pages (all but the main database's and the format marker's)
    /// sent 65,520 bytes into its page, which is past the end of a small file: LMDB faults on the first.
    @Test func verifyReportsAWalkThatFaultsAsUnsound() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A small batch keeps the file (with the views' databases) small enough for every pointer to leave it.
        _ = try await tool.run(["sample", "--data", folder.path, "--batches", "1", "--batch-size", "4"])
        let dataFile = URL(fileURLWithPath: folder.appending("log/data.mdb"))
        var bytes = [UInt8](try Data(contentsOf: dataFile))
        try #require(bytes.count < 2 * 4_096 + 0xFFF0)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        for base in stride(from: 2 * 4_096, to: bytes.count, by: 4_096) {
            let (flags, lower) = (u16(base + 10), u16(base + 12))
            guard flags & 0x03 != 0, (16...4_096).contains(lower) else { continue }
            let pointers = Array(stride(from: base + 16, to: base + lower, by: 2))
            let namesDatabases = pointers.contains { u16($0) + 8 <= 4_096 && u16(base + u16($0) + 4) & 0x02 != 0 }
            let page = bytes[base..<base + 4_096]
            guard !(flags & 0x02 != 0 && namesDatabases) else { continue }
            if page.firstRange(of: Array("dialer-ledger-log".utf8)) != nil { continue }
            for pointer in pointers { (bytes[pointer], bytes[pointer + 1]) = (0xF0, 0xFF) }
        }
        try Data(bytes).write(to: dataFile)
        let outcome = try await tool.run(["verify", "--data", folder.path], environment: quiet)
        #expect(!outcome.signalled)
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr
                == "log unsound at \(folder.appending("log")): the walk died on signal 7 (Bus error): a damaged page\n")
    }

    /// A stored event that does not decode is a damaged log: the commands that read it exit 1 (as `verify` does
    /// on an unsound log), naming the sequence, not 2 as for a mistake in the command.
    @Test func aStoredEventThatDoesNotDecodeExitsOneNamingItsSequence() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let runID = "00000000-0000-4000-8000-00000000000c"
        _ = try await LMDBEventStore(path: folder.appending("log"), access: .readWrite).append([
            EventDraft(
                type: "ReportGenerated", stream: "run:\(runID)",
                payload: ["report_id": "rpt-9", "run_id": .string(runID), "size": "big"])
        ])
        for command in [["report", "show", "rpt-9"], ["report", "list"]] {
            let outcome = try await tool.run(command + ["--data", folder.path])
            #expect(outcome.status == 1, "\(command)")
            #expect(
                outcome.stderr.hasPrefix("dialer-ledger: log corrupt at seq 1: ReportGenerated payload."), "\(command)")
        }
    }

    /// Crashes in the child are expected here: no Swift backtrace on standard error.
    private var quiet: [String: String] { ["SWIFT_BACKTRACE": "enable=no"] }
}
