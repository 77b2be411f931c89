import DialerCore
import EventLog
import Foundation

// tools/bench eventlog: the event log against raw liblmdb doing the same operations, in one run.
// Usage: EventLogBench RAW_LMDB_BINARY [SCRATCH_DIR]
// Prints, per operation, events/s and MB/s for ours and raw, and the ratio ours/raw.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: EventLogBench RAW_LMDB_BINARY [SCRATCH_DIR]\n".utf8))
    exit(2)
}
let rawBinary = arguments[1]
let scratch = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "/eventlog-bench-\(getpid())"

/// A realistic derived-interval event of about 400 bytes stored.
func draft(_ n: Int) -> EventDraft {
    let campaign = "CAMPAIGN_\(String(format: "%03d", n % 40))"
    let hour = Timestamp(milliseconds: 1_793_577_600_000 + Int64(n) * 3_600_000).rfc3339
    return EventDraft(
        type: "IntervalDerived", stream: "campaign:\(campaign)",
        payload: [
            "campaign_id": .string(campaign), "hour": .string(hour), "calls_attempted": .int(Int64(100 + n % 90)),
            "calls_connected": .int(Int64(30 + n % 40)), "calls_abandoned": .int(Int64(n % 6)),
            "source": "observed", "kept": true, "dropped_by": nil, "rule_set": "seed",
            "rule_set_hash": .string(SHA256Digest.of(Array("seed".utf8)).hex),
        ],
        correlationID: UUID())
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func freshFolder(_ name: String) throws -> String {
    let path = scratch + "/" + name
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs the raw liblmdb program and returns (events/s, bytes/s).
func raw(_ args: [String]) throws -> (Double, Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: rawBinary)
    process.arguments = args
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let numbers = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
    precondition(numbers.count == 2 && process.terminationStatus == 0, "raw_lmdb failed: \(output)")
    return (numbers[0], numbers[1])
}

func report(_ label: String, ours: (Double, Double), raw: (Double, Double)) {
    let ratio = ours.0 / raw.0
    print(String(format: "%@: %.0f events/s, raw %.0f events/s, ratio %.2f", label, ours.0, raw.0, ratio))
    print(
        String(
            format: "%@ MB/s: %.1f MB/s, raw %.1f MB/s, ratio %.2f", label, ours.1 / 1e6, raw.1 / 1e6, ours.1 / raw.1))
}

/// Best of `runs` (events/s, bytes/s) pairs, by events/s.
func best(_ runs: Int, _ measure: () throws -> (Double, Double)) rethrows -> (Double, Double) {
    var top = (0.0, 0.0)
    for _ in 0..<runs {
        let result = try measure()
        if result.0 > top.0 { top = result }
    }
    return top
}

let cases: [(batch: Int, count: Int)] = [(1, 1_000), (100, 50_000), (10_000, 200_000)]
var replayFolder = ""
var recordBytes = 400
for (batch, count) in cases {
    let drafts = (0..<count).map(draft)
    let ours = try best(3) {
        let folder = try freshFolder("ours-\(batch)")
        let store = try LMDBEventStore(path: folder, initialMapSize: 1 << 30)
        let elapsed = try seconds {
            var index = 0
            while index < count {
                _ = try store.append(Array(drafts[index..<min(index + batch, count)]))
                index += batch
            }
        }
        var stored = 0
        try store.withSnapshot { snapshot in
            try snapshot.scan(EventQuery()) {
                stored += $0.payload.bytes.count + 150; return true
            }
        }
        recordBytes = stored / count
        replayFolder = folder
        return (Double(count) / elapsed, Double(stored) / elapsed)
    }
    let baseline = try best(3) {
        try raw(["append-indexed", try freshFolder("raw-\(batch)"), "\(count)", "\(batch)", "\(recordBytes)"])
    }
    let bare = try best(3) {
        try raw(["append", try freshFolder("raw-bare-\(batch)"), "\(count)", "\(batch)", "\(recordBytes)"])
    }
    report("append batch=\(batch)", ours: ours, raw: baseline)
    report("append batch=\(batch) vs records only", ours: ours, raw: bare)
}

let store = try LMDBEventStore(path: replayFolder, access: .readOnly)
let total = try store.lastSequence()
/// A full replay: every envelope read and decoded, in place (`inPlace`) or into owned values.
func replayRate(inPlace: Bool) throws -> (Double, Double) {
    try best(5) {
        var bytes = 0
        let elapsed = try seconds {
            try store.withSnapshot { snapshot in
                if inPlace {
                    try snapshot.scanInPlace(EventQuery()) {
                        bytes += $0.payloadBytes.count; return true
                    }
                } else {
                    try snapshot.scan(EventQuery()) {
                        bytes += $0.payload.bytes.count; return true
                    }
                }
            }
        }
        return (Double(total) / elapsed, Double(bytes) / elapsed)
    }
}
let rawScan = try best(5) { try raw(["scan", scratch + "/raw-10000"]) }
report("replay", ours: try replayRate(inPlace: true), raw: rawScan)
report("replay to owned envelopes", ours: try replayRate(inPlace: false), raw: rawScan)

let decodeAll = try best(3) {
    var members = 0
    let elapsed = try seconds {
        try store.withSnapshot { snapshot in
            try snapshot.scan(EventQuery()) {
                if case .object(let fields) = try $0.payload.decoded() { members += fields.count }
                return true
            }
        }
    }
    return (Double(total) / elapsed, Double(members) / elapsed)
}
report("replay with payload parse", ours: decodeAll, raw: rawScan)
try? FileManager.default.removeItem(atPath: scratch)
