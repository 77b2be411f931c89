import Foundation
import PostgresNIO

/// Where a PostgreSQL log lives:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require&connect_timeout=SECONDS]`.
/// Its `description` never shows the password.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible {
    /// The user to connect as.
    public var user: String
    /// The password, if the URL carries one.
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database holding the log.
    public var database: String
    /// Whether the connection uses TLS: `disable`, `prefer` (the default) or `require`.
    public var sslMode: String
    /// How long an operation waits for a connection it cannot get before it fails as unreachable (and how
    /// long one connection attempt may take): `connect_timeout`, 5 s by default.
    public var connectTimeoutSeconds: Int

    /// Whether `text` names a PostgreSQL store rather than a data folder: it starts with `postgres:` or
    /// `postgresql:` (a malformed URL is then refused, never taken for a folder).
    public static func isPostgres(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres:") || lowered.hasPrefix("postgresql:")
    }

    /// Parses `text`, the value of `field`; the error names the field and what is wrong without repeating a
    /// password.
    public init(_ text: String, field: String = "--store") throws {
        func refuse(_ reason: String) -> PostgresLogError { .invalidURL(field: field, reason: reason) }
        let shape = "(postgres://USER@HOST:PORT/DB)"
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let parts = URLComponents(string: text)
        else { throw refuse("not a PostgreSQL URL \(shape)") }
        guard let user = parts.user, !user.isEmpty else { throw refuse("the URL names no user \(shape)") }
        guard let host = parts.host, !host.isEmpty else { throw refuse("the URL names no host \(shape)") }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw refuse("the URL names no database \(shape)") }
        let sslMode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw refuse("sslmode \"\(sslMode)\" is not disable, prefer or require")
        }
        let timeout = parts.queryItems?.first { $0.name == "connect_timeout" }?.value ?? "5"
        guard let seconds = Int(timeout), (1...600).contains(seconds) else {
            throw refuse("connect_timeout \"\(timeout)\" is not a whole number of seconds from 1 to 600")
        }
        (self.user, password, self.host, port) = (user, parts.password, host, parts.port ?? 5432)
        (self.database, self.sslMode, connectTimeoutSeconds) = (database, sslMode, seconds)
    }

    /// The URL without its password.
    public var description: String {
        var query = sslMode == "prefer" ? [] : ["sslmode=\(sslMode)"]
        if connectTimeoutSeconds != 5 { query.append("connect_timeout=\(connectTimeoutSeconds)") }
        return "postgres://\(user)@\(host):\(port)/\(database)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The same server and user, another database: for tools and tests that create databases.
    public func database(_ name: String) -> PostgresStoreURL {
        var url = self
        url.database = name
        return url
    }

    /// The client configuration this URL names.
    public var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        return configuration
    }
}
