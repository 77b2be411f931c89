import Foundation

/// Sockets on 127.0.0.1 for tests: a free port, and a listener that accepts and never answers.
public enum Loopback {
    /// 127.0.0.1:`port` as a socket address.
    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound, read, released).
    public static func freePort() throws -> Int {
        let listener = try SilentListener(backlog: 0)
        defer { listener.close() }
        return listener.port
    }
}

/// A TCP listener on 127.0.0.1 that takes connections into the kernel's backlog and never says a word: a
/// server that hangs.
public final class SilentListener: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let descriptor: Int32

    /// Binds a free port and listens (unless `backlog` is 0, which only binds).
    public init(backlog: Int32 = 8) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestServerError(reason: "socket() failed: errno \(errno)") }
        var address = Loopback.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && (backlog == 0 || listen(descriptor, backlog) == 0)
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(descriptor)
            throw TestServerError(reason: "could not listen on 127.0.0.1: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    /// Closes the socket.
    public func close() { _ = Glibc.close(descriptor) }
}
