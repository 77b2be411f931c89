import DialerCore
import Foundation

/// An e-mail: who sends it to whom, the subject, the plain-text body and optionally an HTML alternative,
/// with its Message-ID and date.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    /// The plain text.
    public var body: String
    /// The same message as HTML; with it the message is `multipart/alternative` (the text first).
    public var html: String?
    /// `<…@domain>`, made from a fresh UUID and the sender's domain unless given.
    public var messageID: String
    public var date: Timestamp

    /// A message; throws naming `from` or `to[i]` when an address is not `local@domain`.
    public init(
        from: String, to: [String], subject: String, body: String, html: String? = nil, date: Timestamp,
        messageID: String? = nil
    ) throws {
        try Self.check(from, field: "from")
        guard !to.isEmpty else {
            throw DialerCoreError.invalidField(field: "to", reason: "name at least one recipient")
        }
        for (index, address) in to.enumerated() { try Self.check(address, field: "to[\(index)]") }
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.html = html
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

    /// The message as sent (RFC 5322, CRLF line ends): the headers, a blank line, then `encodedBody`.
    /// Non-ASCII subjects are RFC 2047 encoded.
    public var rfc5322: String {
        let lines = [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))", "Message-ID: \(messageID)", "MIME-Version: 1.0",
        ]
        return (lines + mime.headers).joined(separator: "\r\n") + "\r\n\r\n" + encodedBody
    }

    /// The body as sent, after the header block (what an e-mail intent's `body_sha256` covers): the same
    /// bytes for the same text and HTML (no clock, no random boundary).
    public var encodedBody: String { mime.lines.joined(separator: "\r\n") + "\r\n" }

    /// The body's MIME headers and lines. Text alone is one `text/plain` part, 7-bit when it is ASCII, else
    /// base64 in 76-character lines. With `html`, a `multipart/alternative` of the text and the HTML, each
    /// quoted-printable (lines of at most 76 octets), split by a boundary made from the parts' SHA-256:
    /// it starts with `=_`, which quoted-printable never writes, so it cannot occur in a part.
    private var mime: (headers: [String], lines: [String]) {
        guard let html else {
            let ascii = body.unicodeScalars.allSatisfy { $0.isASCII }
            let headers = [
                "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: \(ascii ? "7bit" : "base64")",
            ]
            guard ascii else { return (headers, Self.base64Lines(body)) }
            return (headers, Self.lines(of: body).map(String.init))
        }
        let parts = [("text/plain", body), ("text/html", html)].map { type, text in
            ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable", ""]
                + Self.quotedPrintable(text)
        }
        let boundary = "=_" + SHA256Digest.of(Array(parts.joined().joined(separator: "\r\n").utf8)).hex.prefix(40)
        let lines = parts.flatMap { ["--" + boundary] + $0 } + ["--" + boundary + "--"]
        return (["Content-Type: multipart/alternative; boundary=\"\(boundary)\""], lines)
    }

    /// `text`'s lines, whether they end with LF or CRLF.
    private static func lines(of text: String) -> [Substring] {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// `text` as UTF-8 in base64, in 76-character lines.
    private static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// `text` as UTF-8 in quoted-printable (RFC 2045 §6.7): printable ASCII but `=` as is, a space or tab as
    /// is unless it ends a line, every other octet as `=XX`; encoded lines of at most 76 octets, longer ones
    /// broken with a soft line break (`=` at the end) between whole encodings.
    static func quotedPrintable(_ text: String) -> [String] {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [String] = []
        for line in lines(of: text) {
            let octets = Array(line.utf8)
            var current: [UInt8] = []
            for (index, octet) in octets.enumerated() {
                let literal =
                    (33...126).contains(octet) && octet != UInt8(ascii: "=")
                    || (octet == 0x20 || octet == 0x09) && index < octets.count - 1
                let token = literal ? [octet] : [UInt8(ascii: "="), hex[Int(octet >> 4)], hex[Int(octet & 0x0F)]]
                if current.count + token.count > 75 {
                    encoded.append(String(decoding: current + [UInt8(ascii: "=")], as: UTF8.self))
                    current = []
                }
                current += token
            }
            encoded.append(String(decoding: current, as: UTF8.self))
        }
        return encoded
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
            throw DeliveryError.mailFolder(path: partial, reason: "could not be written")
        }
        guard rename(partial, file) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw DeliveryError.mailFolder(path: file, reason: reason)
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
