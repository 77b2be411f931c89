import DialerCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Sends mail over SMTP (RFC 5321) on SwiftNIO: EHLO, STARTTLS when offered or required (RFC 3207), AUTH
/// PLAIN when configured and encrypted (RFC 4954), MAIL FROM, RCPT TO for each recipient, DATA with
/// dot-stuffing, QUIT. One connection per message.
public struct SMTPClient: MailSender {
    public let configuration: SMTPConfiguration

    /// A client for `configuration`.
    public init(configuration: SMTPConfiguration) { self.configuration = configuration }

    public var timeLimit: Duration { configuration.timeout }

    public func send(_ message: MailMessage) async throws -> MailReceipt {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // One deadline for the conversation: when it passes, the connection is closed under the reader.
        let timedOut = SharedFlag()
        let messageWritten = SharedFlag()
        let limit = TimeAmount.milliseconds(configuration.timeout.milliseconds)
        let deadline = channel.channel.eventLoop.scheduleTask(in: limit) {
            timedOut.set()
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    channel: channel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound,
                    messageWritten: messageWritten)
                return try await deliver(message, over: &session)
            }
        } catch {
            var failure =
                timedOut.isSet
                ? SMTPFailure(step: "conversation", code: nil, reason: "no delivery within \(configuration.timeout)")
                : (error as? DeliveryError)?.smtp ?? SMTPFailure(step: "connection", code: nil, reason: "\(error)")
            failure.messageWritten = messageWritten.isSet
            throw DeliveryError.smtp(failure)
        }
    }

    private func deliver(_ message: MailMessage, over session: inout SMTPSession) async throws -> MailReceipt {
        try await session.expect("greeting", 220)
        var extensions = try await session.command("EHLO \(configuration.clientName)", step: "EHLO", expect: 250)
        var encrypted = false
        if configuration.security != .none, extensions.offers("STARTTLS") {
            try await session.command("STARTTLS", step: "STARTTLS", expect: 220)
            try await session.startTLS(configuration)
            encrypted = true
            extensions = try await session.command("EHLO \(configuration.clientName)", step: "EHLO", expect: 250)
        } else if configuration.security == .requireStartTLS {
            throw DeliveryError.smtp(
                SMTPFailure(
                    step: "STARTTLS", code: nil, reason: "the server does not offer STARTTLS, which is required"))
        }
        if let (user, password) = configuration.credentials {
            guard encrypted else {
                throw DeliveryError.smtp(
                    SMTPFailure(
                        step: "AUTH", code: nil, reason: "credentials are sent only over TLS, and this is plain text"))
            }
            let token = Data("\0\(user)\0\(password.exposed)".utf8).base64EncodedString()
            try await session.command("AUTH PLAIN \(token)", step: "AUTH", expect: 235, echo: "AUTH PLAIN [redacted]")
        }
        try await session.command("MAIL FROM:<\(message.from)>", step: "MAIL FROM", expect: 250)
        var accepted: [String] = []
        var refused: [String: String] = [:]
        for recipient in message.to {
            let reply = try await session.send("RCPT TO:<\(recipient)>")
            if reply.code == 250 || reply.code == 251 {
                accepted.append(recipient)
            } else {
                refused[recipient] = reply.text
            }
        }
        guard !accepted.isEmpty else {
            throw DeliveryError.smtp(
                SMTPFailure(step: "RCPT TO", code: nil, reason: "every recipient was refused: \(refused)"))
        }
        try await session.command("DATA", step: "DATA", expect: 354)
        let final = try await session.data(message.rfc5322)
        _ = try? await session.send("QUIT")
        return MailReceipt(messageID: message.messageID, accepted: accepted, refused: refused, serverReply: final.text)
    }
}

/// A reply: its code and its text lines joined.
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { "\(code) " + lines.joined(separator: " / ") }

    /// Whether an EHLO reply lists the extension `name`.
    func offers(_ name: String) -> Bool {
        lines.contains { $0.uppercased() == name || $0.uppercased().hasPrefix(name + " ") }
    }
}

/// The line-level conversation on one connection.
struct SMTPSession {
    let channel: any Channel
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Set once the message's final dot is written: from then on the server may have it.
    let messageWritten: SharedFlag
    private var pending: [UInt8] = []

    init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, messageWritten: SharedFlag
    ) {
        self.channel = channel
        self.inbound = inbound
        self.outbound = outbound
        self.messageWritten = messageWritten
    }

    /// Sends `line` and returns the reply.
    mutating func send(_ line: String) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await reply()
    }

    /// Sends `line` and throws unless the reply has code `expected`; `echo` is what errors show of it.
    @discardableResult
    mutating func command(_ line: String, step: String, expect expected: Int, echo: String? = nil) async throws
        -> SMTPReply
    {
        let answer = try await send(line)
        guard answer.code == expected else {
            throw DeliveryError.smtp(SMTPFailure(step: step, code: answer.code, reason: answer.text))
        }
        return answer
    }

    /// Reads a reply and throws unless it has code `expected`.
    mutating func expect(_ step: String, _ expected: Int) async throws {
        let answer = try await reply()
        guard answer.code == expected else {
            throw DeliveryError.smtp(SMTPFailure(step: step, code: answer.code, reason: answer.text))
        }
    }

    /// Sends the message after DATA: lines starting with a dot get another (RFC 5321 §4.5.2), then `.`.
    mutating func data(_ message: String) async throws -> SMTPReply {
        let stuffed = message.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try await outbound.write(ByteBuffer(string: stuffed + "\r\n.\r\n"))
        messageWritten.set()
        let answer = try await reply()
        guard answer.code == 250 else {
            throw DeliveryError.smtp(SMTPFailure(step: "DATA", code: answer.code, reason: answer.text))
        }
        return answer
    }

    /// Puts TLS under the conversation (after the server's 220 to STARTTLS).
    mutating func startTLS(_ configuration: SMTPConfiguration) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustRootsFile { tls.trustRoots = .file(file) }
        let context = try NIOSSLContext(configuration: tls)
        let isAddress = configuration.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        let hostname = isAddress ? nil : configuration.host
        let channel = self.channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: hostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    /// Reads one reply: lines `CODE-text` then `CODE text`.
    mutating func reply() async throws -> SMTPReply {
        var lines: [String] = []
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw DeliveryError.smtp(
                    SMTPFailure(step: "reply", code: nil, reason: "not an SMTP reply: \(line.prefix(120))"))
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                return SMTPReply(code: code, lines: lines)
            }
        }
    }

    private mutating func nextLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard pending.count < 64 << 10 else {
                throw DeliveryError.smtp(
                    SMTPFailure(step: "reply", code: nil, reason: "a reply line longer than 64 KiB"))
            }
            guard let buffer = try await inbound.next() else {
                throw DeliveryError.smtp(
                    SMTPFailure(step: "reply", code: nil, reason: "the server closed the connection"))
            }
            pending.append(contentsOf: buffer.readableBytesView)
        }
    }
}

/// A flag one side of a conversation sets and another reads: the deadline closed the connection, the
/// message's final dot was written.
final class SharedFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
