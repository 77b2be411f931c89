import DialerCore
import Foundation

/// A plain-text e-mail: who sends it to whom, the subject and the body, with its Message-ID and date.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    /// `<…@domain>`, made from a fresh UUID and the sender's domain unless given.
    public var messageID: String
    public var date: Timestamp

    /// A message; throws naming `from` or `to[i]` when an address is not `local@domain`.
    public init(from: String, to: [String], subject: String, body: String, date: Timestamp, messageID: String? = nil)
        throws
    {
        try Self.check(from, field: "from")
        guard !to.isEmpty else {
            throw DialerCoreError.invalidField(field: "to", reason: "name at least one recipient")
        }
        for (index, address) in to.enumerated() { try Self.check(address, field: "to[\(index)]") }
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        let domain = from.split(separator: "@").last.map(String.init) ?? "dialer-ledger.local"
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"
    }

    private static func check(_ address: String, field: String) throws {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !address.unicodeScalars.contains(where: { $0.value <= 0x20 || "<>,;\"()[]\\".unicodeScalars.contains($0) })
        else {
            throw DialerCoreError.invalidField(
                field: field, reason: "\"\(address)\" is not an address like name@example.com")
        }
    }

    /// The message as sent (RFC 5322, CRLF line ends): headers, then the body, 7-bit when it is ASCII,
    /// else base64 in 76-character lines. Non-ASCII subjects are RFC 2047 encoded.
    public var rfc5322: String {
        let ascii = body.unicodeScalars.allSatisfy { $0.isASCII }
        var lines = [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))", "Message-ID: \(messageID)", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(ascii ? "7bit" : "base64")", "",
        ]
        if ascii {
            lines += body.replacingOccurrences(of: "\r\n", with: "\n").split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map(String.init)
        } else {
            let encoded = Data(body.utf8).base64EncodedString()
            var index = encoded.startIndex
            while index < encoded.endIndex {
                let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
                lines.append(String(encoded[index..<end]))
                index = end
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func encodedWord(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// `Wed, 02 Dec 2026 09:00:00 +0000`.
    static func rfc5322Date(_ instant: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
    }
}

/// What a mail server said when it took a message.
public struct MailReceipt: Sendable, Equatable {
    /// The message's Message-ID.
    public var messageID: String
    /// Recipients the server accepted.
    public var accepted: [String]
    /// Recipients it refused, with its reply.
    public var refused: [String: String]
    /// The server's final reply to the message (often naming its queue id), or where the file went.
    public var serverReply: String
}

/// Sends e-mail: over SMTP, or into a folder of `.eml` files (the embedded default).
public protocol MailSender: Sendable {
    /// Sends `message`; throws if no recipient took it.
    func send(_ message: MailMessage) async throws -> MailReceipt
    /// The longest a `send` takes before it returns or throws.
    var timeLimit: Duration { get }
}

extension MailSender {
    public var timeLimit: Duration { .seconds(60) }
}

/// The embedded default: each message written as `FOLDER/MESSAGE-ID.eml`, as a mail client would save it.
/// A message is written to a hidden `.NAME.PID.partial` file beside it and renamed into place, so a reader
/// never sees half a message; the partial files of writers that were killed (their process is gone) are
/// removed on each send.
public struct MailFolder: MailSender {
    /// Where the files go.
    public let path: String

    /// Mail written under `path` (created when needed).
    public init(path: String) { self.path = path }

    public var timeLimit: Duration { .seconds(10) }

    public func send(_ message: MailMessage) async throws -> MailReceipt {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        removeAbandonedPartials()
        let name = message.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            .replacingOccurrences(of: "/", with: "_")
        let file = path + "/" + name + ".eml"
        let partial = "\(path)/.\(name).\(getpid()).partial"
        guard FileManager.default.createFile(atPath: partial, contents: Data(message.rfc5322.utf8)) else {
            throw MailFolderError(path: partial, reason: "could not be written")
        }
        guard rename(partial, file) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw MailFolderError(path: file, reason: reason)
        }
        return MailReceipt(
            messageID: message.messageID, accepted: message.to, refused: [:], serverReply: "saved \(file)")
    }

    /// Removes partial files whose writer process no longer runs.
    private func removeAbandonedPartials() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let parts = name.split(separator: ".")
            guard parts.count >= 3, let pid = pid_t(parts[parts.count - 2]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(path + "/" + name) }
        }
    }
}

/// A message the mail folder could not save: the file and why.
public struct MailFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "mail folder: \(path): \(reason)" }
}
