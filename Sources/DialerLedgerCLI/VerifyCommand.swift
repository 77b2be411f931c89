import ArgumentParser
import DialerCore
import EventLog
import Foundation

/// `dialer-ledger verify`: walks the chain, the indexes and the views (the LMDB log's in a child process).
struct VerifyCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every event's hash, the chain, the sequence, the indexes and the views.",
        discussion: """
            Exit 0 and a one-line summary when sound; exit 1 naming the first bad sequence otherwise. With \
            --format json, one object on standard output either way: sound, events, streams, types, \
            idempotency_keys, head, views, store; or sound false, problem and store.
            """
    )

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "table (a summary line) or json (one object).") var format: OutputFormat = .table

    /// Set on the child that does the walk.
    @Flag(name: .customLong("walk"), help: .private) var walk = false

    func run() async throws {
        var postgres = false
        try reportingErrors { postgres = try data.postgresStore() != nil }
        // PostgreSQL's rows come over a connection: no mapped page can fault, so no child is needed.
        guard postgres || walk else { return try await walkInChild() }
        var verification = LogVerification()
        try await reportingErrors {
            verification = try await data.withStoredLog(access: .readOnly) { try await $0.verify() }
        }
        if let problem = verification.problem {
            try unsound("\(problem)", at: data.logDescription)
        }
        let v = verification
        if format == .json {
            print(
                try OutputFormat.line([
                    "sound": true, "events": .int(Int64(v.eventCount)), "streams": .int(Int64(v.streamCount)),
                    "types": .int(Int64(v.typeCount)), "idempotency_keys": .int(Int64(v.idempotencyKeyCount)),
                    "head": .string(v.head.hex), "views": .array(ViewCatalog.all.map { .string($0.name) }),
                    "store": .string(data.logDescription),
                ]))
            return
        }
        print(
            "log sound: \(v.eventCount) events (seq 1…\(v.eventCount)), \(v.streamCount) streams, "
                + "\(v.typeCount) types, \(v.idempotencyKeyCount) idempotency key\(v.idempotencyKeyCount == 1 ? "" : "s"), head \(v.head.hex.prefix(16)); "
                + "views \(ViewCatalog.all.map(\.name).joined(separator: ", ")) equal a fresh fold; at \(data.logDescription)"
        )
    }

    /// LMDB has no page checksums: a damaged page can send it outside the map, where the process dies
    /// by a signal. The walk runs in a child sharing this command's output, so such a fault is reported
    /// as an unsound log instead of ending `verify` by a signal.
    private func walkInChild() async throws {
        let child = Process()
        child.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["verify", "--data", data.folder, "--walk", "--format", format.rawValue]
        // A crash is an expected outcome here: no backtrace, no core file.
        child.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        Self.inheritNoCoreFiles()
        // Waited for without holding a thread: Foundation calls the handler on a thread of its own.
        try await withCheckedThrowingContinuation { (ended: CheckedContinuation<Void, any Error>) in
            child.terminationHandler = { _ in ended.resume() }
            do {
                try reportingErrors { try child.run() }
            } catch {
                child.terminationHandler = nil
                ended.resume(throwing: error)
            }
        }
        let status = child.terminationStatus
        if child.terminationReason == .uncaughtSignal {
            try unsound(
                "the walk died on signal \(status) (\(String(cString: strsignal(status)))): a damaged page",
                at: data.logPath)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Says the log at `store` is unsound because of `problem` (on standard error, or as JSON on standard
    /// output), and exits 1.
    private func unsound(_ problem: String, at store: String) throws -> Never {
        if format == .json {
            print(try OutputFormat.line(["sound": false, "problem": .string(problem), "store": .string(store)]))
        } else {
            printError("log unsound at \(store): \(problem)")
        }
        throw ExitCode(1)
    }

    /// Sets this process's (and so the child's) soft limit on core files to zero.
    private static func inheritNoCoreFiles() {
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_CORE.rawValue)
        #else
            let resource = RLIMIT_CORE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        limit.rlim_cur = 0
        setrlimit(resource, &limit)
    }
}
