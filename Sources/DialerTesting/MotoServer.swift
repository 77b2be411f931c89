import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `moto_server` child process on a free loopback port: an S3 (and IAM) double for integration tests. Stop it
/// with `stop()`, which ends it by PID.
public final class MotoServer: @unchecked Sendable {
    /// Whether the server checks signatures.
    public enum Mode: Sendable {
        /// Every request is accepted unsigned. Presigned GETs need this: moto 5.2.1 crashes on them with auth.
        case open
        /// Signatures and IAM policies are checked (`INITIAL_NO_AUTH_ACTION_COUNT=3`); the three unchecked actions
        /// create an IAM user, its access key and an inline policy allowing `s3:*`.
        case authenticated(userName: String = "dialer-ledger")
    }

    /// An access key moto issued to the IAM user.
    public struct AccessKey: Sendable {
        /// The access key id.
        public let accessKeyID: String
        /// The secret access key.
        public let secretAccessKey: String
    }

    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// The child's process id.
    public let pid: Int32
    /// The IAM user's key in `.authenticated` mode; nil in `.open` mode.
    public private(set) var accessKey: AccessKey?
    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    private let process: Process
    private let logPath: String

    private init(process: Process, port: Int, logPath: String) {
        self.process = process
        self.port = port
        self.pid = process.processIdentifier
        self.logPath = logPath
    }

    deinit { stop() }

    /// Starts `moto_server` (from `$MOTO_SERVER` or `PATH`) on a free port and waits until it answers; in
    /// `.authenticated` mode also creates the IAM user and key. Tries three ports before giving up.
    public static func start(_ mode: Mode = .open) async throws -> MotoServer {
        let executable = try locate()
        var lastError: (any Error)?
        for _ in 0..<3 {
            let server = try launch(executable, port: try Loopback.freePort(), mode: mode)
            do {
                try await server.waitUntilAnswering()
                if case .authenticated(let userName) = mode { server.accessKey = try await server.bootstrap(userName) }
                return server
            } catch {
                server.stop()
                lastError = error
            }
        }
        throw lastError ?? MotoServerError(reason: "could not start")
    }

    /// Ends the server by its PID (SIGTERM, then SIGKILL after 5 s, from a thread of its own) and removes its log;
    /// safe to call twice.
    public func stop() {
        terminate(process) { [logPath] in try? FileManager.default.removeItem(atPath: logPath) }
    }

    /// The end of the server's output, for error messages.
    public func logTail(_ characters: Int = 2000) -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(characters))
    }

    private static func locate() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MOTO_SERVER"] { return path }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw MotoServerError(reason: "moto_server is not on PATH (pip install 'moto[server]', or set MOTO_SERVER)")
    }

    private static func launch(_ executable: String, port: Int, mode: Mode) throws -> MotoServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = nil
        if case .authenticated = mode { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3" }
        process.environment = environment
        // Output goes to a file, not a pipe, so a chatty server never blocks on a full pipe.
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).log")
            .path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return MotoServer(process: process, port: port, logPath: logPath)
    }

    /// Polls moto's own API until it answers 200; fails when the process exits or 30 s pass.
    private func waitUntilAnswering() async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard process.isRunning else {
                throw MotoServerError(reason: "moto_server exited on port \(port): \(logTail())")
            }
            if let answer = try? await onOwnThread({ try self.exchange("GET", "/moto-api/data.json") }),
                answer.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MotoServerError(reason: "moto_server did not answer on port \(port) within 30 s: \(logTail())")
    }

    /// One HTTP/1.0 exchange with the server over a plain socket (DialerTesting has no HTTP client, and these
    /// few calls need none): the status and the body. It blocks, so callers run it on a thread of its own.
    private func exchange(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "") throws
        -> (status: Int, body: String)
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoServerError(reason: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Loopback.address(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw MotoServerError(reason: "connect to port \(port) failed: errno \(errno)") }
        var head = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n" + body).utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw MotoServerError(reason: "send to port \(port) failed: errno \(errno)") }
            sent += count
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            answer += buffer[..<count]
        }
        let text = String(decoding: answer, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts[0].split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw MotoServerError(reason: "no HTTP answer on port \(port): \(text.prefix(200))")
        }
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// `moto_server` could not be found, started or prepared.
public struct MotoServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public let reason: String
    public var description: String { "MotoServer: \(reason)" }
}

extension MotoServer {
    /// Creates an IAM user, its access key and an inline policy allowing `s3:*`, with moto's first three
    /// unchecked actions, and returns the key.
    private func bootstrap(_ userName: String) async throws -> AccessKey {
        _ = try await iam(["Action": "CreateUser", "UserName": userName])
        let created = try await iam(["Action": "CreateAccessKey", "UserName": userName])
        guard let id = Self.element("AccessKeyId", in: created),
            let secret = Self.element("SecretAccessKey", in: created)
        else { throw MotoServerError(reason: "CreateAccessKey answered without a key: \(created.prefix(300))") }
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try await iam([
            "Action": "PutUserPolicy", "UserName": userName, "PolicyName": "s3", "PolicyDocument": policy,
        ])
        return AccessKey(accessKeyID: id, secretAccessKey: secret)
    }

    /// One unsigned IAM Query API call (a form POST to `/`); returns the XML answer.
    private func iam(_ parameters: [String: String]) async throws -> String {
        let form = parameters.merging(["Version": "2010-05-08"]) { old, _ in old }
            .map { "\(Self.formEncode($0.key))=\(Self.formEncode($0.value))" }.sorted().joined(separator: "&")
        // moto picks the service from an Authorization header's credential scope; while the unchecked actions
        // last it does not verify the signature, so this header only routes the call to IAM.
        let headers = [
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=bootstrap/20250101/us-east-1/iam/aws4_request, "
                + "SignedHeaders=host, Signature=unchecked",
        ]
        let answer = try await onOwnThread { try self.exchange("POST", "/", headers: headers, body: form) }
        guard answer.status == 200 else {
            throw MotoServerError(
                reason:
                    "IAM \(parameters["Action"] ?? "call") answered HTTP \(answer.status): \(answer.body.prefix(300))")
        }
        return answer.body
    }

    private static func formEncode(_ text: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// The text of the first `<name>…</name>` in `xml`.
    private static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
            let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
