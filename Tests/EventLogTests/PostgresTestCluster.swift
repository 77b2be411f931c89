import DialerTesting
import Foundation
import PostgresLog

/// A PostgreSQL cluster of one test's own (`tools/postgres-test-cluster`), for what must not touch the shared
/// one: restarting the server. Stopped by its folder (the script ends the server by its PID file) afterwards.
struct PostgresTestCluster {
    /// The cluster's `postgres` database.
    let url: PostgresStoreURL
    private let folder: String
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/postgres-test-cluster")
        .path

    /// Runs `body` with a new cluster, stopped and removed afterwards whatever happened.
    static func with<R>(_ body: (PostgresTestCluster) async throws -> R) async throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialer-ledger-pg-\(UUID().uuidString)"
        ).path
        let started = try await Self.run(["start", folder])
        guard started.status == 0 else {
            _ = try? await Self.run(["stop", folder])
            throw PostgresLogError.storage(store: folder, reason: "the test cluster did not start: \(started.errors)")
        }
        let outcome: Result<R, any Error>
        do {
            let url = try PostgresStoreURL(started.output.trimmingCharacters(in: .whitespacesAndNewlines))
            outcome = .success(try await body(PostgresTestCluster(url: url, folder: folder)))
        } catch {
            outcome = .failure(error)
        }
        _ = try await Self.run(["stop", folder])
        return try outcome.get()
    }

    /// Restarts the server on the same port, keeping the data: `fast` ends open sessions, `immediate` as if
    /// it crashed. Returns once the server accepts connections again.
    func restart(_ mode: String = "fast") async throws {
        let outcome = try await Self.run(["restart", folder, mode])
        guard outcome.status == 0 else {
            throw PostgresLogError.storage(store: folder, reason: "the restart failed: \(outcome.errors)")
        }
    }

    /// Runs the script with `arguments` to completion on a thread of its own, waited for with `waitpid`:
    /// Foundation's `Process` never notices the exit of a script that leaves the server running behind it.
    private static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        try await onOwnThread {
            let files = (0..<2).map { _ in
                FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)").path
            }
            defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for (descriptor, file) in zip([Int32(1), 2], files) {
                posix_spawn_file_actions_addopen(&actions, descriptor, file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            }
            let argv = ([script] + arguments).map { strdup($0) } + [nil]
            defer { for argument in argv { free(argument) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, script, &actions, nil, argv, environ)
            guard spawned == 0 else {
                throw PostgresLogError.storage(store: script, reason: "posix_spawn failed: \(spawned)")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let read = { (file: String) in (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
            // Exited normally: the exit status; killed by a signal: 128 + the signal.
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
            return (code, read(files[0]), read(files[1]))
        }
    }
}
