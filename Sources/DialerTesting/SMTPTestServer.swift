import Foundation

/// aiosmtpd (`tools/smtp-test-server`) on loopback: STARTTLS with a throwaway certificate and AUTH, or
/// neither; what it receives is kept in a Maildir.
public final class SMTPTestServer: Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// The PEM file of its throwaway certificate, to trust.
    public let certificate: String
    /// Where it keeps what it received.
    public let folder: String
    private let server: ToolServer

    /// The user and password it accepts for AUTH.
    public static let user = "reports"
    public static let password = "mail-secret-7Qx"

    /// Starts the server (STARTTLS offered unless `tls` is false) and waits until it is ready.
    public init(tls: Bool = true) async throws {
        folder = try TemporaryFolder("smtp").path
        server = try await ToolServer("smtp-test-server", ["--dir", folder] + (tls ? [] : ["--no-tls"]))
        guard server.ready.count == 2, let port = Int(server.ready[0]) else {
            server.stop()
            throw TestServerError(reason: "tools/smtp-test-server said ready \(server.ready)")
        }
        self.port = port
        certificate = server.ready[1]
    }

    /// The messages received, as files' contents.
    public func received() throws -> [String] {
        try receivedFiles().map { try String(contentsOfFile: $0, encoding: .utf8) }
    }

    /// The files of the messages received (the Maildir writes them with LF line ends).
    public func receivedFiles() throws -> [String] {
        let new = folder + "/maildir/new"
        return try FileManager.default.contentsOfDirectory(atPath: new).sorted().map { new + "/" + $0 }
    }

    /// Stops the server and removes its folder.
    public func stop() {
        server.stop { [folder] in try? FileManager.default.removeItem(atPath: folder) }
    }
}
