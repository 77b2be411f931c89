import DialerTesting
import Foundation
import Testing

/// What the commands say about a PostgreSQL store they cannot use, without any server: a URL that does not
/// parse is refused naming its option (never taken for a data folder), and a server that cannot be reached
/// fails within the connect timeout, naming host and port but never the password, with exit code 5.
@Suite struct PostgresRefusalTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    @Test func aMalformedPostgresValueIsRefusedNamingItsOptionNeverTakenForAFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let from = try await tool.run(["log", "copy", "--from", "postgres:/x", "--to", folder.path])
        #expect(from.status == 2)
        #expect(from.stderr.hasPrefix("dialer-ledger: --from: not a PostgreSQL URL (postgres://USER@HOST:PORT/DB)"))
        let to = try await tool.run(["log", "copy", "--from", folder.path, "--to", "postgresql:ledger@db"])
        #expect(to.status == 2 && to.stderr.hasPrefix("dialer-ledger: --to: not a PostgreSQL URL"), "\(to.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "postgres:"), "no folder made of it")
        let environment = try await tool.run(
            ["events", "list"], environment: ["DIALER_LEDGER_STORE": "postgres://ledger@db/x?connect_timeout=0"])
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("DIALER_LEDGER_STORE: connect_timeout \"0\" is not a whole number"))
    }

    @Test func anUnreachableServerFailsWithinTheConnectTimeoutNamingHostAndPort() async throws {
        // Bound but not listening for the whole test: connections are refused, and no other test's server
        // can take the port meanwhile (one that did answered the handshake slowly and made this take 42 s).
        let closed = try SilentListener(backlog: 0)
        defer { closed.close() }
        let port = closed.port
        let store = "postgres://ledger:s3cret@127.0.0.1:\(port)/ledger?sslmode=disable&connect_timeout=1"
        let outcome = try await tool.run(["events", "list", "--store", store])
        #expect(outcome.status == 5, "\(outcome.stderr)")
        #expect(
            outcome.stderr
                == "dialer-ledger: postgres://ledger@127.0.0.1:\(port)/ledger?sslmode=disable&connect_timeout=1: no connection within 1 s (is the server up, and are the host, port and user right?)\n"
        )
        #expect(!outcome.stderr.contains("s3cret"))
        // The pool alone would retry for a minute; the connect timeout ends it (with room for a slow machine).
        #expect(outcome.ranFor < .seconds(20), "ran for \(outcome.ranFor)")
    }

    @Test func aServerThatAcceptsAndNeverAnswersFailsWithinTheConnectTimeout() async throws {
        // Listening, so the TCP connection is made, and silent: the startup handshake is never answered.
        let silent = try SilentListener()
        defer { silent.close() }
        let store = "postgres://ledger@127.0.0.1:\(silent.port)/ledger?sslmode=disable&connect_timeout=1"
        let outcome = try await tool.run(["events", "list", "--store", store])
        #expect(outcome.status == 5, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("no connection within 1 s"), "\(outcome.stderr)")
        // The listener never gives up: only the handshake's own deadline ends the attempt and the command.
        #expect(outcome.ranFor < .seconds(20), "ran for \(outcome.ranFor)")
    }
}
