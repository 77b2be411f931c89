import Foundation

/// A raw TCP client on 127.0.0.1 for tests of what an HTTP client library will not send: half a header, a
/// body before reading the answer, `CONNECT`, HTTP/0.9. Blocking: call it through `onOwnThread`.
public final class LoopbackClient: @unchecked Sendable {
    private var descriptor: Int32

    /// What a read got: the bytes, and how it ended.
    public struct Reply: Sendable {
        /// Every byte received.
        public var bytes: [UInt8]
        /// The server closed the connection (end of file or reset), as opposed to the wait running out.
        public var closedByServer: Bool
        /// The bytes as text.
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestServerError(reason: "socket() failed: errno \(errno)") }
        var address = Loopback.address(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            Glibc.close(descriptor)
            throw TestServerError(reason: "connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Closes the connection.
    public func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Sends `bytes`, all of them; false when the server closed the connection first, or stopped reading
    /// for `wait` (a server that neither reads nor closes fails the test instead of hanging it).
    @discardableResult
    public func send(_ bytes: [UInt8], wait: Duration = .seconds(30)) -> Bool {
        var timeout = Self.timeval(wait)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private static func timeval(_ wait: Duration) -> Glibc.timeval {
        Glibc.timeval(
            tv_sec: Int(wait.components.seconds), tv_usec: Int(wait.components.attoseconds / 1_000_000_000_000))
    }

    /// Sends `text` as UTF-8.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the server closes the connection, `until` says the bytes so far are enough, or nothing
    /// arrives for `wait`.
    public func read(wait: Duration, until enough: ([UInt8]) -> Bool = { _ in false }) -> Reply {
        var timeout = Self.timeval(wait)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes += buffer[..<count]
                if enough(bytes) { return Reply(bytes: bytes, closedByServer: false) }
                continue
            }
            if count < 0, errno == EINTR { continue }
            let timedOut = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            return Reply(bytes: bytes, closedByServer: !timedOut)
        }
    }

    /// Whether `bytes` hold a whole HTTP/1.1 answer: its head and as many body bytes as `Content-Length` says.
    public static func isWholeAnswer(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let length =
            text[..<end.lowerBound].split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) >= length
    }
}
