import AsyncHTTPClient
import Foundation
import NIOCore

/// Request latencies in milliseconds and how they compare with the raw liblmdb read of the same keys.
struct Latencies {
    var millis: [Double] = []

    /// The nearest-rank percentile `p` (0 to 100); 0 with no samples.
    func percentile(_ p: Double) -> Double {
        guard !millis.isEmpty else { return 0 }
        let sorted = millis.sorted()
        return sorted[max(Int((Double(sorted.count) * p / 100).rounded(.up)) - 1, 0)]
    }

    /// `<operation>: p50 X ms, p99 Y ms, raw p99 Z ms, ratio R (n=…; target …)`.
    func line(_ operation: String, raw: Raw.Figure?, target: Double?) -> String {
        var text = String(format: "%@: p50 %.2f ms, p99 %.2f ms", operation, percentile(50), percentile(99))
        if let raw {
            text += String(format: ", raw p99 %.3f ms, ratio %.1f", raw.p99, percentile(99) / max(raw.p99, 0.001))
        }
        var notes = ["n=\(millis.count)"]
        if let raw { notes.append("raw read \(raw.entries) entries and their events") }
        if let target {
            notes.append(
                String(format: "target p99 < %.0f ms: %@", target, percentile(99) < target ? "met" : "missed"))
        }
        return text + " (" + notes.joined(separator: "; ") + ")"
    }
}

/// The API of the `serve` under test, read with one read key over loopback HTTP/1.1.
struct API: Sendable {
    let client: HTTPClient
    let base: String
    let key: String

    /// What one GET answered: its body and how long it took, body included.
    struct Answer {
        let body: ByteBuffer
        let millis: Double
    }

    /// GETs `path` (with its query); throws unless the answer is 200.
    func get(_ path: String) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await client.execute(request, timeout: .seconds(600))
        let body = try await response.body.collect(upTo: 256 << 20)
        let millis = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard response.status == .ok else {
            throw Refusal(path: path, status: Int(response.status.code), body: String(buffer: body))
        }
        return Answer(body: body, millis: millis)
    }

    /// The JSON object `path` answers.
    func json(_ path: String) async throws -> [String: Any] {
        let answer = try await get(path)
        guard let object = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any]
        else {
            throw Refusal(path: path, status: 200, body: "not a JSON object")
        }
        return object
    }

    /// Times `path` up to `count` times, stopping early once `budget` seconds are spent (today's linear reads
    /// at 10M events take seconds each); at least 3 samples.
    func time(_ path: String, count: Int, budget: Double) async throws -> Latencies {
        var latencies = Latencies()
        let start = Date()
        while latencies.millis.count < count && (latencies.millis.count < 3 || Date().timeIntervalSince(start) < budget)
        {
            latencies.millis.append(try await get(path).millis)
        }
        return latencies
    }

    /// A non-200 answer.
    struct Refusal: Error, CustomStringConvertible {
        let path: String
        let status: Int
        let body: String
        var description: String { "GET \(path): HTTP \(status): \(body.prefix(300))" }
    }
}

/// The raw liblmdb baseline (`raw_lmdb read`): the same keys read with a cursor, no server in between.
struct Raw: Sendable {
    let binary: String
    let logFolder: String

    /// p50 and p99 in milliseconds, and how many index entries each read took.
    struct Figure {
        let p50: Double
        let p99: Double
        let entries: Int
    }

    /// `count` entries of `stream` (0: all; `-`: the events themselves) after `afterSeq`, `repeat` times.
    func read(stream: String, afterSeq: UInt64, count: Int, repeat: Int) async throws -> Figure {
        let file = NSTemporaryDirectory() + "/raw-lmdb-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try await exitStatus(
            of: binary, ["read", logFolder, stream, "\(afterSeq)", "\(count)", "\(`repeat`)"],
            output: try FileHandle(forWritingTo: URL(fileURLWithPath: file)))
        let output = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        // The figure is the line of three numbers; raw_lmdb's note on standard error is the other line.
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        let fields = lines.first { $0.count == 3 } ?? []
        guard status == 0, fields.count == 3 else {
            throw API.Refusal(path: "raw_lmdb read \(stream)", status: Int(status), body: output)
        }
        return Figure(p50: fields[0], p99: fields[1], entries: Int(fields[2]))
    }
}
