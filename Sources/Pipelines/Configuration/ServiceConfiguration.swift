import Delivery
import DialerCore
import Foundation

/// The service's settings: one JSON file (`Schemas/config.schema.json`) with the seeds' environment
/// variables over it. Every error names the field (`config.jobs[0].cron`) or the variable.
public struct ServiceConfiguration: Sendable {
    /// Where `serve` listens and the address links to the local store start with.
    public var host = "127.0.0.1"
    public var port = 8080
    /// The server's address as recipients reach it (default `http://HOST:PORT`).
    public var publicURL: String?
    /// The API's keys: `server.api_keys`, with `DIALER_LEDGER_API_KEYS` over them.
    public var apiKeys = APIKeys.none
    /// Whether `/healthz` and `/readyz` answer without a key (`server.open_health`, default true).
    public var openHealth = true
    /// Whether `/metrics` answers without a key (`server.open_metrics`, default false).
    public var openMetrics = false
    /// How long a new connection may take to send its first request head (`server.header_timeout`).
    public var headerTimeout: Duration = .seconds(10)
    /// How long a connection may wait between request parts (`server.idle_timeout`).
    public var idleTimeout: Duration = .seconds(60)
    /// Connections open at once (`server.max_connections`).
    public var maxConnections = 512
    /// Where reports go: S3 when set, else the local store in the data folder.
    public var s3: S3Configuration?
    public var keyTemplate = ObjectKeyTemplate.default
    public var linkLifetime: Duration = .seconds(86_400)
    /// The sender, and the recipients of reports that name none of their own.
    public var mailFrom = "dialer-ledger@localhost.localdomain"
    public var recipients: [String] = []
    /// The mail server; nil writes `.eml` files to the data folder.
    public var smtp: SMTPConfiguration?
    /// The report jobs the cron runner runs.
    public var jobs: [ReportJob] = []
    /// The CXone contract (`cxone.profile`; `CXONE_PROFILE` overrides it): `seed` or a real tenant's `cxone`.
    public var cxoneProfile = "seed"

    /// The defaults: local store, mail folder, no jobs.
    public init() {}

    /// The links' base: `publicURL`, else `http://HOST:PORT`.
    public var linkBaseURL: String { publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Reads `file` (when given) and then the environment over it.
    public static func load(file: String?, environment: [String: String]) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw DialerCoreError.invalidField(field: "config", reason: "cannot read \(file)")
            }
            try configuration.read(PayloadReader(try JSONParser.parse(Array(data)), field: "config"), environment)
        }
        try configuration.applyEnvironment(environment)
        return configuration
    }

    /// The publication settings for the data folder `dataFolder`, with `recipients` (the default ones when nil).
    public func publishSettings(dataFolder: String, recipients: [String]? = nil) throws -> PublishSettings {
        let objects: any ObjectStore =
            try s3.map { S3Client(configuration: $0) }
            ?? LocalObjectStore(
                root: dataFolder + "/objects", baseURL: linkBaseURL,
                signingKey: try LinkSigningKey.loadOrCreate(file: dataFolder + "/keys/link-signing.key"))
        let mailer: any MailSender =
            smtp.map { SMTPClient(configuration: $0) } ?? MailFolder(path: dataFolder + "/mail")
        var settings = PublishSettings(objects: objects, mailer: mailer)
        settings.keyTemplate = keyTemplate
        settings.linkLifetime = linkLifetime
        settings.recipients = recipients ?? self.recipients
        settings.from = mailFrom
        try settings.validate()
        return settings
    }

    /// One line per part, saying where reports and mail go (no secrets).
    public func describe(dataFolder: String) -> [String] {
        [
            "storage: "
                + (s3.map { "S3 bucket \($0.bucket) at \($0.resolvedEndpoint) (\($0.region))" }
                    ?? "local object store \(dataFolder)/objects, links served by `dialer-ledger serve` at \(linkBaseURL)"),
            "mail: "
                + (smtp.map { "SMTP \($0.host):\($0.port) (\($0.security.rawValue))" }
                    ?? ".eml files in \(dataFolder)/mail"),
        ]
    }
}
