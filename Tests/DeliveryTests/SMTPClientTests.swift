import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import Delivery

@Suite(.serialized) struct SMTPClientTests {
    private let link =
        "https://reports.example.com/reports/dialer_2026-12-01.json?X-Amz-Expires=86400&X-Amz-Signature=abc123"

    private func message(to: [String] = ["ops@example.com"], body: String? = nil) throws -> MailMessage {
        try MailMessage(
            from: "dialer-ledger@example.com", to: to, subject: "Dialer report 2026-12-01 ready",
            body: body ?? "Your report: \(link)\n", date: Timestamp(milliseconds: 1_796_000_000_000))
    }

    private func configuration(_ server: SMTPTestServer, password: String = SMTPTestServer.password)
        -> SMTPConfiguration
    {
        var configuration = SMTPConfiguration(host: "localhost", port: server.port)
        configuration.trustRootsFile = server.certificate
        configuration.credentials = (SMTPTestServer.user, Secret(password))
        return configuration
    }

    @Test func aMessageGoesOverSTARTTLSWithAuthAndArrivesWhole() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let sent = try message(to: ["ops@example.com", "audit@example.com"], body: "Link: \(link)\n.hidden line\n..\n")
        let receipt = try await SMTPClient(configuration: configuration(server)).send(sent)
        #expect(receipt.accepted == ["ops@example.com", "audit@example.com"])
        #expect(receipt.serverReply.hasPrefix("250"))
        let received = try server.received()
        #expect(received.count == 1)
        let text = try #require(received.first)
        #expect(text.contains("Message-ID: \(sent.messageID)"))
        #expect(text.contains("Subject: Dialer report 2026-12-01 ready"))
        #expect(text.contains("Link: \(link)\n.hidden line\n..\n"), "dot-stuffing undone by the server")
    }

    @Test func aWrongPasswordIsRefusedAndNotRepeated() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let thrown = try await #require(throws: DeliveryError.self) {
            try await SMTPClient(configuration: configuration(server, password: "not-it-Zz1")).send(message())
        }
        let error = try #require(thrown.smtp)
        #expect(error.step == "AUTH" && error.code == 535)
        #expect(!error.description.contains("not-it-Zz1"))
        #expect(try server.received().isEmpty)
    }

    @Test func aServerWithoutSTARTTLSIsRefusedWhenTLSIsRequired() async throws {
        let server = try await SMTPTestServer(tls: false)
        defer { server.stop() }
        var plain = SMTPConfiguration(host: "127.0.0.1", port: server.port)
        let error = try await #require(throws: DeliveryError.self) {
            try await SMTPClient(configuration: plain).send(message())
        }
        #expect(error.smtp?.step == "STARTTLS")
        plain.security = .none
        let receipt = try await SMTPClient(configuration: plain).send(message())
        #expect(receipt.accepted == ["ops@example.com"])
        #expect(try server.received().count == 1)
    }

    @Test func theEmbeddedDefaultWritesEmlFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sent = try message(body: "Grüße: \(link)\n")
        let receipt = try await MailFolder(path: folder.path).send(sent)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1 && files[0].hasSuffix(".eml"))
        let text = try String(contentsOfFile: folder.path + "/" + files[0], encoding: .utf8)
        #expect(text.contains("Content-Transfer-Encoding: base64"))
        #expect(text.contains("Date: Mon, 30 Nov 2026 00:53:20 +0000"))
        #expect(receipt.serverReply.hasPrefix("saved "))
    }

    @Test func theMailFolderRemovesWhatAKilledWriteLeftAndKeepsALiveWritersFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A writer that has ended (its process is gone) and one that still runs (this process).
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        try await waitForExit(ended)
        let abandoned = folder.path + "/.old-message.\(ended.processIdentifier).partial"
        let live = folder.path + "/.other-message.\(getpid()).partial"
        for file in [abandoned, live] { FileManager.default.createFile(atPath: file, contents: Data("half".utf8)) }
        _ = try await MailFolder(path: folder.path).send(try message(body: "hello\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 1)
        #expect(!files.contains(".old-message.\(ended.processIdentifier).partial"))
        #expect(files.contains(".other-message.\(getpid()).partial"))
    }

    @Test func badAddressesAreNamed() {
        #expect(
            throws: DialerCoreError.invalidField(
                field: "to[1]", reason: #""nope" is not an address like name@example.com"#)
        ) {
            try MailMessage(
                from: "a@example.com", to: ["b@example.com", "nope"], subject: "s", body: "b",
                date: Timestamp(milliseconds: 0))
        }
    }
}
