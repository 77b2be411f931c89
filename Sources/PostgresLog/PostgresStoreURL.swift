import Foundation
import PostgresNIO

/// Where a PostgreSQL log lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require]`.
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

    /// Whether `text` names a PostgreSQL store rather than a data folder.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; the error names what is wrong without repeating a password.
    public init(_ text: String) throws {
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else {
            throw PostgresLogError.invalidURL(reason: "expected postgres://USER@HOST:PORT/DB")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw PostgresLogError.invalidURL(reason: "the URL names no user (postgres://USER@HOST:PORT/DB)")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw PostgresLogError.invalidURL(reason: "the URL names no host (postgres://USER@HOST:PORT/DB)")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLogError.invalidURL(reason: "the URL names no database (postgres://USER@HOST:PORT/DB)")
        }
        let sslMode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresLogError.invalidURL(reason: "sslmode \"\(sslMode)\" is not disable, prefer or require")
        }
        (self.user, password, self.host, port) = (user, parts.password, host, parts.port ?? 5432)
        (self.database, self.sslMode) = (database, sslMode)
    }

    /// The URL without its password.
    public var description: String {
        let query = sslMode == "prefer" ? "" : "?sslmode=\(sslMode)"
        return "postgres://\(user)@\(host):\(port)/\(database)\(query)"
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
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
