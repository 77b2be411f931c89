import ArgumentParser
import AsyncHTTPClient
import Foundation

/// `tools/bench views`: the reads the views serve, through `dialer-ledger serve` over loopback HTTP, on a
/// log of 10M events, each against a raw liblmdb cursor read of the same keys; and `/healthz` while eight
/// clients read large event pages.
@main
struct ViewsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit page, completion, report by id and /healthz under load, on a large log, against raw liblmdb.")

    @Option(help: "The dialer-ledger executable to build the log with and serve it.") var cli: String
    @Option(help: "The raw_lmdb baseline program (Benchmarks/raw-lmdb); without it no raw figures.") var raw: String?
    @Option(help: "Events in the log (about).") var events = 10_000_000
    @Option(help: "Requests per figure.") var requests = 300
    @Option(help: "Seconds per figure before stopping short of --requests (slow reads take seconds each).")
    var budget = 120.0
    @Option(help: "Where built logs are kept (default $BENCH_CACHE, else /var/tmp/dialer-ledger-bench).")
    var cache = ProcessInfo.processInfo.environment["BENCH_CACHE"] ?? "/var/tmp/dialer-ledger-bench"
    @Option(help: "Contacts of the scheduling jobs.") var contacts = "tools/demo-data/contacts.csv"
    @Option(help: "Clients reading event pages while /healthz is timed.") var clients = 8
    @Option(help: "Events per page those clients read (the API's largest page is 1000).") var pageSize = 1_000

    func validate() throws {
        guard events >= 100 else { throw ValidationError("--events: must be 100 or more, got \(events)") }
        guard requests >= 1 else { throw ValidationError("--requests: must be 1 or more, got \(requests)") }
        guard (1...1000).contains(pageSize) else {
            throw ValidationError("--page-size: must be from 1 to 1000, got \(pageSize)")
        }
    }

    func run() async throws {
        let cli = CLI(path: cli)
        let log = try await ViewsLog.prepare(events: events, cache: cache, cli: cli, contacts: contacts)
        print("log: \(log.description)")
        let key = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
        let server = try await cli.serve(folder: log.folder, readKey: key)
        defer { server.stop() }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await measure(API(client: client, base: "http://127.0.0.1:\(server.port)", key: key), log: log)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(_ api: API, log: ViewsLog) async throws {
        let targets = try await Targets.find(api)
        print("log holds \(targets.lastSeq) events; \(targets.summary)")
        let raw = self.raw.map { Raw(binary: $0, logFolder: log.folder + "/log") }
        let rawRepeat = max(requests, 100)

        let audit = try await api.time(targets.auditPath, count: requests, budget: budget)
        let rawAudit = try await raw?.read(
            stream: "campaign:\(targets.campaign)", afterSeq: targets.fromSeq, count: 100, repeat: rawRepeat)
        print(audit.line("audit page of 100 (\(targets.campaign), a time range)", raw: rawAudit, target: 20))

        let completion = try await api.time(targets.completionPath, count: requests, budget: budget)
        let rawCompletion = try await raw?.read(stream: targets.jobStream, afterSeq: 0, count: 0, repeat: rawRepeat)
        print(completion.line("completion (\(targets.campaign))", raw: rawCompletion, target: 10))

        let report = try await api.time(targets.reportPath, count: requests, budget: budget)
        let rawReport = try await raw?.read(stream: targets.runStream, afterSeq: 0, count: 0, repeat: rawRepeat)
        print(report.line("report by id", raw: rawReport, target: 5))

        let idle = try await api.time("/healthz", count: requests, budget: budget)
        print(idle.line("/healthz, idle", raw: nil, target: nil))
        let (healthz, pages) = try await underLoad(api, lastSeq: targets.lastSeq)
        print(healthz.line("/healthz while \(clients) clients read \(pageSize)-event pages", raw: nil, target: 20))
        let rawPage = try await raw?.read(
            stream: "-", afterSeq: targets.lastSeq / 2, count: pageSize, repeat: rawRepeat)
        print(pages.line("event page of \(pageSize) under that load", raw: rawPage, target: nil))
    }

    /// `/healthz` timed `requests` times while `clients` tasks read event pages spread over the log.
    private func underLoad(_ api: API, lastSeq: UInt64) async throws -> (healthz: Latencies, pages: Latencies) {
        let done = Flag()
        let clients = self.clients
        let pageSize = self.pageSize
        return try await withThrowingTaskGroup(of: Latencies?.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies = Latencies()
                    var page = UInt64(client)
                    let pages = max(lastSeq / UInt64(pageSize), 1)
                    while !done.isSet {
                        // Pages spread over the log (a stride coprime to most page counts), so reads miss the cache.
                        let after = page * 7_919 % pages * UInt64(pageSize)
                        latencies.millis.append(
                            try await api.get("/api/v1/events?after=\(after)&limit=\(pageSize)").millis)
                        page += UInt64(clients)
                    }
                    return latencies
                }
            }
            // Every client has started reading before the first probe.
            try await Task.sleep(for: .milliseconds(500))
            let healthz = try await api.time("/healthz", count: requests, budget: budget)
            done.set()
            var pages = Latencies()
            for try await latencies in group { pages.millis += latencies?.millis ?? [] }
            return (healthz, pages)
        }
    }
}

/// A flag set once, read by many tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
