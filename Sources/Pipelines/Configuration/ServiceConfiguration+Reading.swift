import Delivery
import DialerCore
import Foundation

extension ServiceConfiguration {
    /// Applies the file's settings.
    mutating func read(_ config: PayloadReader, _ environment: [String: String]) throws {
        guard case .object = config.json else {
            throw DialerCoreError.invalidField(field: config.field, reason: "must be a JSON object")
        }
        try Self.only(["server", "storage", "mail", "jobs", "cxone"], in: config)
        if let cxone = try Self.section("cxone", config) {
            try Self.only(["profile"], in: cxone)
            cxoneProfile = try cxone.optionalString("profile") ?? cxoneProfile
            guard ["seed", "cxone"].contains(cxoneProfile) else { throw cxone.fail("profile", "must be seed or cxone") }
        }
        if let server = try Self.section("server", config) {
            try Self.only(
                [
                    "host", "port", "public_url", "api_keys", "open_health", "open_metrics", "header_timeout",
                    "idle_timeout", "max_connections",
                ], in: server)
            host = try server.optionalString("host") ?? host
            if server.json["port"] != nil { port = try Self.port(server, "port") }
            publicURL = try server.optionalString("public_url")
            openHealth = try Self.flag(server, "open_health") ?? openHealth
            openMetrics = try Self.flag(server, "open_metrics") ?? openMetrics
            if let timeout = try server.optionalString("header_timeout") {
                headerTimeout = try Duration(parsing: timeout, field: "\(server.field).header_timeout")
            }
            if let timeout = try server.optionalString("idle_timeout") {
                idleTimeout = try Duration(parsing: timeout, field: "\(server.field).idle_timeout")
            }
            if server.json["max_connections"] != nil {
                let most = try server.int("max_connections")
                guard (1...1_000_000).contains(most) else {
                    throw server.fail("max_connections", "must be a whole number from 1 to 1000000")
                }
                maxConnections = Int(most)
            }
            if server.json["api_keys"] != nil {
                let keys = try server.array("api_keys").enumerated().map { index, item in
                    try Self.apiKey(PayloadReader(item, field: "\(server.field).api_keys[\(index)]"), environment)
                }
                if let repeated = keys.enumerated().first(where: { index, key in
                    keys[..<index].contains { $0.name == key.name }
                }) {
                    throw server.fail("api_keys[\(repeated.offset)].name", "\"\(repeated.element.name)\" is used twice")
                }
                apiKeys = APIKeys(keys)
            }
        }
        if let storage = try Self.section("storage", config) {
            try Self.only(["s3", "key_template", "link_expires"], in: storage)
            if let template = try storage.optionalString("key_template") {
                keyTemplate = try Self.named("\(storage.field).key_template") { try ObjectKeyTemplate(template) }
            }
            if let expires = try storage.optionalString("link_expires") {
                linkLifetime = try Duration(parsing: expires, field: "\(storage.field).link_expires")
            }
            if let s3 = try Self.section("s3", storage) {
                try Self.only(["bucket", "region", "endpoint", "style"], in: s3)
                self.s3 = try Self.s3(
                    bucket: try s3.string("bucket"), region: try s3.optionalString("region"),
                    endpoint: try s3.optionalString("endpoint"), style: try s3.optionalString("style"),
                    field: s3.field, environment)
            }
        }
        if let mail = try Self.section("mail", config) {
            try Self.only(["from", "recipients", "smtp"], in: mail)
            mailFrom = try mail.optionalString("from") ?? mailFrom
            if mail.json["recipients"] != nil { recipients = try mail.strings("recipients") }
            if let smtp = try Self.section("smtp", mail) {
                try Self.only(["host", "port", "security", "username", "trust_roots", "timeout"], in: smtp)
                var settings = SMTPConfiguration(host: try smtp.string("host"))
                if smtp.json["port"] != nil { settings.port = try Self.port(smtp, "port") }
                if let security = try smtp.optionalString("security") {
                    guard let value = SMTPConfiguration.Security(rawValue: security) else {
                        throw smtp.fail("security", "must be starttls, starttls-if-offered or none")
                    }
                    settings.security = value
                }
                settings.trustRootsFile = try smtp.optionalString("trust_roots")
                if let timeout = try smtp.optionalString("timeout") {
                    settings.timeout = try Duration(parsing: timeout, field: "\(smtp.field).timeout")
                }
                if let user = try smtp.optionalString("username") {
                    guard let password = environment["SMTP_PASSWORD"], !password.isEmpty else {
                        throw smtp.fail("username", "is set, so SMTP_PASSWORD must hold the password")
                    }
                    settings.credentials = (user, Secret(password))
                }
                self.smtp = settings
            }
        }
        if config.json["jobs"] != nil {
            jobs = try config.array("jobs").enumerated().map { index, item in
                try Self.job(PayloadReader(item, field: "\(config.field).jobs[\(index)]"))
            }
            if let repeated = jobs.enumerated().first(where: { index, entry in
                jobs[..<index].contains { $0.id == entry.id }
            }) {
                throw config.fail("jobs[\(repeated.offset)].id", "\"\(repeated.element.id)\" is used twice")
            }
        }
    }

    /// The environment over the file: `S3_BUCKET`, `AWS_REGION`, `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`,
    /// `REPORT_RECIPIENTS` (comma-separated), `MAIL_FROM`, `SMTP_HOST`, `SMTP_PORT`, `SMTP_USERNAME` with
    /// `SMTP_PASSWORD`, `SMTP_SECURITY`, `DIALER_LEDGER_PUBLIC_URL`, `DIALER_LEDGER_API_KEYS` (added to the
    /// file's keys; one of the same name replaces it).
    mutating func applyEnvironment(_ environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let bucket = value("S3_BUCKET") {
            s3 = try Self.s3(
                bucket: bucket, region: value("AWS_REGION") ?? s3?.region, endpoint: s3?.endpoint,
                style: s3?.addressingStyle.rawValue, field: "S3_BUCKET", environment)
        } else if let region = value("AWS_REGION") {
            s3?.region = region
        }
        if let url = value("DIALER_LEDGER_PUBLIC_URL") { publicURL = url }
        if let keys = value("DIALER_LEDGER_API_KEYS") { apiKeys = apiKeys.adding(try APIKeys(parsing: keys)) }
        if let from = value("MAIL_FROM") { mailFrom = from }
        if let list = value("REPORT_RECIPIENTS") {
            recipients = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let host = value("SMTP_HOST") {
            var settings = smtp ?? SMTPConfiguration(host: host)
            settings.host = host
            smtp = settings
        }
        guard var settings = smtp else { return }
        if let port = value("SMTP_PORT") {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw DialerCoreError.invalidField(field: "SMTP_PORT", reason: "\"\(port)\" is not a port number")
            }
            settings.port = number
        }
        if let security = value("SMTP_SECURITY") {
            guard let parsed = SMTPConfiguration.Security(rawValue: security) else {
                throw DialerCoreError.invalidField(
                    field: "SMTP_SECURITY", reason: "must be starttls, starttls-if-offered or none")
            }
            settings.security = parsed
        }
        if let user = value("SMTP_USERNAME") {
            guard let password = value("SMTP_PASSWORD") else {
                throw DialerCoreError.invalidField(field: "SMTP_PASSWORD", reason: "must be set with SMTP_USERNAME")
            }
            settings.credentials = (user, Secret(password))
        }
        smtp = settings
    }

    /// S3 settings with the standard AWS credentials and endpoint variables.
    private static func s3(
        bucket: String, region: String?, endpoint: String?, style: String?, field: String,
        _ environment: [String: String]
    ) throws -> S3Configuration {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let id = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw DialerCoreError.invalidField(
                field: field, reason: "S3 is configured, so AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")
        }
        var addressing: S3Configuration.AddressingStyle?
        if let style {
            guard let parsed = S3Configuration.AddressingStyle(rawValue: style) else {
                throw DialerCoreError.invalidField(field: "\(field).style", reason: "must be path or virtual-hosted")
            }
            addressing = parsed
        }
        let configuration = S3Configuration(
            bucket: bucket, region: region ?? value("AWS_REGION") ?? "us-east-1",
            endpoint: endpoint ?? value("AWS_ENDPOINT_URL_S3") ?? value("AWS_ENDPOINT_URL"),
            addressingStyle: addressing,
            credentials: S3Credentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")))
        try named(field) { try configuration.validate() }
        return configuration
    }

    /// One report job.
    private static func job(_ read: PayloadReader) throws -> ReportJob {
        try only(
            [
                "id", "cron", "campaigns", "window", "time_zone", "rules", "recipients", "starting_deadline", "lease",
                "dst",
            ], in: read)
        let zoneName = try read.optionalString("time_zone") ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw read.fail("time_zone", "\"\(zoneName)\" is not an IANA time zone")
        }
        var dst = CronSchedule.DSTPolicy.wallClock
        if let policy = try read.optionalString("dst") {
            guard let parsed = CronSchedule.DSTPolicy(rawValue: policy) else {
                let names = CronSchedule.DSTPolicy.allCases.map(\.rawValue).joined(separator: " or ")
                throw read.fail("dst", "must be \(names)")
            }
            dst = parsed
        }
        let schedule = try named("\(read.field).cron") {
            try CronSchedule(parsing: try read.string("cron"), timeZone: zone, dst: dst)
        }
        let campaigns = try read.strings("campaigns")
        var job = ReportJob(id: try read.string("id"), schedule: schedule, campaigns: campaigns)
        guard !job.id.isEmpty, job.id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw read.fail("id", "must be letters, digits, - _ or .")
        }
        job.timeZone = zoneName
        if let window = try read.optionalString("window") {
            guard let parsed = ReportJob.Window(rawValue: window) else {
                throw read.fail("window", "must be previous-24h or previous-business-day")
            }
            job.window = parsed
        }
        if let rules = try read.optionalString("rules") {
            job.ruleSet = try RuleSet.load(rules, field: "\(read.field).rules")
        }
        if let deadline = try read.optionalString("starting_deadline") {
            job.startingDeadline = try Duration(parsing: deadline, field: "\(read.field).starting_deadline")
        }
        if let lease = try read.optionalString("lease") {
            job.lease = try Duration(parsing: lease, field: "\(read.field).lease")
            guard job.lease > .zero else { throw read.fail("lease", "must be more than zero") }
        }
        let anyHour = ReportWindow(start: Timestamp(milliseconds: 0), end: Timestamp(milliseconds: 3_600_000))
        var request = ReportRequest(campaigns: campaigns, window: anyHour)
        request.timeZone = zoneName
        do {
            try request.validate(ReportLimits())
        } catch DialerCoreError.invalidField(let field, let reason) {
            throw read.fail(field, reason)
        }
        if read.json["recipients"] != nil { job.recipients = try read.strings("recipients") }
        return job
    }

    /// One API key: `name`, `role` and its secret by reference, never inline: `secret_env` (the variable that
    /// holds it) or `secret_sha256` (its SHA-256 in hex).
    private static func apiKey(_ read: PayloadReader, _ environment: [String: String]) throws -> APIKeys.Key {
        try only(["name", "role", "secret_env", "secret_sha256"], in: read)
        let name = try read.string("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw read.fail("name", "must be letters, digits, - _ or .")
        }
        guard let role = APIKeys.Role(rawValue: try read.string("role")) else {
            throw read.fail("role", "must be read or run")
        }
        switch (try read.optionalString("secret_env"), read.json["secret_sha256"]) {
        case (let variable?, nil):
            guard let secret = environment[variable], !secret.isEmpty else {
                throw read.fail("secret_env", "\(variable) is not set (it must hold the secret of \(name))")
            }
            try APIKeys.check(secret: secret, of: name, field: "\(read.field).secret_env")
            return APIKeys.Key(name: name, role: role, secret: secret)
        case (nil, .some):
            return APIKeys.Key(name: name, role: role, hash: try read.digest("secret_sha256"))
        default:
            throw read.fail(
                "secret_env", "give exactly one of secret_env (the name of a variable holding it) and secret_sha256")
        }
    }

    /// The boolean at `key`, if present.
    private static func flag(_ read: PayloadReader, _ key: String) throws -> Bool? {
        guard let value = read.json[key] else { return nil }
        guard case .bool(let flag) = value else { throw read.fail(key, "must be true or false") }
        return flag
    }

    /// The object at `key`, if present.
    private static func section(_ key: String, _ read: PayloadReader) throws -> PayloadReader? {
        read.json[key] == nil ? nil : try read.object(key)
    }

    /// Throws naming the first key of `read` that is not in `known`.
    private static func only(_ known: Set<String>, in read: PayloadReader) throws {
        guard case .object(let fields) = read.json else { return }
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw read.fail(unknown, "is not a setting here (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    private static func port(_ read: PayloadReader, _ key: String) throws -> Int {
        let value = try read.int(key)
        guard (1...65535).contains(value) else { throw read.fail(key, "must be a port from 1 to 65535") }
        return Int(value)
    }

    /// Runs `body`, renaming the field of an invalid-field error to `field`.
    private static func named<T>(_ field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch DialerCoreError.invalidField(let inner, let reason) {
            throw DialerCoreError.invalidField(field: field, reason: "\(inner): \(reason)")
        }
    }
}
