import DialerCore
import EventLog
import Foundation

// tools/bench eventlog: the event log against raw liblmdb doing the same operations, in one run.
// Usage: EventLogBench RAW_LMDB_BINARY [SCRATCH_DIR]
// Prints, per operation, events/s and MB/s for ours and raw (medians of 5 interleaved rounds), and the
// median of the per-round ratios ours/raw.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: EventLogBench RAW_LMDB_BINARY [SCRATCH_DIR]\n".utf8))
    exit(2)
}
let rawBinary = arguments[1]
let scratch = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "/eventlog-bench-\(getpid())"

let seedHash = SHA256Digest.of(Array("seed".utf8))

/// A derived interval of campaign-hour `n`, as a report run records it (about 400 bytes stored).
func interval(_ n: Int) -> (campaign: String, payload: IntervalDerivedPayload) {
    let campaign = "CAMPAIGN_\(String(format: "%03d", n % 40))"
    let derived = DerivedInterval(
        hour: Timestamp(milliseconds: 1_793_577_600_000 + Int64(n) * 3_600_000),
        counts: HourCounts(attempted: Double(100 + n % 90), connected: Double(30 + n % 40), abandoned: Double(n % 6)),
        source: .observed, droppedBy: nil)
    return (
        campaign,
        IntervalDerivedPayload(campaignID: campaign, interval: derived, ruleSet: "seed", ruleSetHash: seedHash)
    )
}

/// The event the report runner appends for campaign-hour `n`: its payload written in canonical form.
func draft(_ n: Int) -> EventDraft {
    let (campaign, payload) = interval(n)
    return EventDraft(
        type: "IntervalDerived", stream: "campaign:\(campaign)", payload: payload.payload, correlationID: UUID())
}

/// The same event with its payload as a JSON value, as writers without a typed payload append.
func jsonDraft(_ n: Int) -> EventDraft {
    let (campaign, payload) = interval(n)
    return EventDraft(
        type: "IntervalDerived", stream: "campaign:\(campaign)", payload: payload.json, correlationID: UUID())
}

/// How long `body` takes, and what it returns; run off the main actor, as the log's callers are.
func seconds<R: Sendable>(_ body: @Sendable () async throws -> R) async rethrows -> (Double, R) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try await body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, result)
}

func freshFolder(_ name: String) throws -> String {
    let path = scratch + "/" + name
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A figure: events/s and bytes/s.
typealias Rate = (events: Double, bytes: Double)

/// Runs the raw liblmdb program and returns (events/s, bytes/s).
func raw(_ args: [String]) throws -> Rate {
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

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Prints the median of each side and the median of the per-round ratios: rounds alternate ours and raw,
/// so a machine that speeds up or slows down during the run moves both sides of a ratio alike.
func report(_ label: String, ours: [Rate], raw: [Rate]) {
    let ratios = zip(ours, raw).map { $0.events / $1.events }
    let byteRatios = zip(ours, raw).map { $0.bytes / $1.bytes }
    print(
        String(
            format: "%@: %.0f events/s, raw %.0f events/s, ratio %.2f", label, median(ours.map(\.events)),
            median(raw.map(\.events)), median(ratios)))
    print(
        String(
            format: "%@ MB/s: %.1f MB/s, raw %.1f MB/s, ratio %.2f", label, median(ours.map(\.bytes)) / 1e6,
            median(raw.map(\.bytes)) / 1e6, median(byteRatios)))
}

/// Runs `rounds` rounds of every measure in turn; returns each measure's figures by round.
func interleaved(_ rounds: Int, _ measures: [() async throws -> Rate]) async throws -> [[Rate]] {
    var figures = Array(repeating: [Rate](), count: measures.count)
    for _ in 0..<rounds {
        for (index, measure) in measures.enumerated() { figures[index].append(try await measure()) }
    }
    return figures
}

let rounds = 5
let cases: [(batch: Int, count: Int)] = [(1, 1_000), (100, 50_000), (10_000, 200_000)]
var replayFolder = ""
for (batch, count) in cases {
    var recordBytes = 400
    /// Appends every event, built by `make`, a batch at a time.
    func ours(_ make: @escaping (Int) -> EventDraft) -> () async throws -> Rate {
        return {
            let folder = try freshFolder("ours-\(batch)")
            let store = try LMDBEventStore(path: folder, initialMapSize: 1 << 30)
            // Each batch is built just before its append and only the append is timed, as a writer builds
            // its events and appends them (a batch built long before would be read from cold memory).
            var elapsed = 0.0
            var index = 0
            while index < count {
                let drafts = (index..<min(index + batch, count)).map(make)
                elapsed += try await seconds { try await store.append(drafts) }.0
                index += batch
            }
            let stored = try await store.withSnapshot { snapshot in
                var stored = 0
                try snapshot.scan(EventQuery()) {
                    stored += $0.payload.bytes.count + 150; return true
                }
                return stored
            }
            recordBytes = stored / count
            replayFolder = folder
            return (Double(count) / elapsed, Double(stored) / elapsed)
        }
    }
    let indexed = {
        try raw(["append-indexed", try freshFolder("raw-\(batch)"), "\(count)", "\(batch)", "\(recordBytes)"])
    }
    let bare = { try raw(["append", try freshFolder("raw-bare-\(batch)"), "\(count)", "\(batch)", "\(recordBytes)"]) }
    // At the largest batch, also events whose payloads are JSON values (encoded while appending).
    let withJSON = batch == cases.last!.batch
    let figures = try await interleaved(
        rounds, Array([ours(draft), indexed, bare, ours(jsonDraft)].prefix(withJSON ? 4 : 3)))
    report("append batch=\(batch)", ours: figures[0], raw: figures[1])
    report("append batch=\(batch) vs records only", ours: figures[0], raw: figures[2])
    if withJSON { report("append batch=\(batch) json-value payloads", ours: figures[3], raw: figures[1]) }
}

let store = try LMDBEventStore(path: replayFolder, access: .readOnly)
let total = try await store.lastSequence()
/// A full replay: every envelope read and decoded, in place (`inPlace`) or into owned values.
func replayRate(inPlace: Bool) async throws -> Rate {
    let (elapsed, bytes) = try await seconds {
        try await store.withSnapshot { snapshot in
            var bytes = 0
            if inPlace {
                try snapshot.scanInPlace(EventQuery()) {
                    bytes += $0.payloadBytes.count; return true
                }
            } else {
                try snapshot.scan(EventQuery()) {
                    bytes += $0.payload.bytes.count; return true
                }
            }
            return bytes
        }
    }
    return (Double(total) / elapsed, Double(bytes) / elapsed)
}

/// A full replay that also parses every payload into a JSON value.
func parseRate() async throws -> Rate {
    let (elapsed, members) = try await seconds {
        try await store.withSnapshot { snapshot in
            var members = 0
            try snapshot.scan(EventQuery()) {
                if case .object(let fields) = try $0.payload.decoded() { members += fields.count }
                return true
            }
            return members
        }
    }
    return (Double(total) / elapsed, Double(members) / elapsed)
}

let rawScan = { try raw(["scan", scratch + "/raw-10000"]) }
let replays = try await interleaved(
    rounds, [{ try await replayRate(inPlace: true) }, { try await replayRate(inPlace: false) }, parseRate, rawScan])
report("replay", ours: replays[0], raw: replays[3])
report("replay to owned envelopes", ours: replays[1], raw: replays[3])
report("replay with payload parse", ours: replays[2], raw: replays[3])
try? FileManager.default.removeItem(atPath: scratch)
