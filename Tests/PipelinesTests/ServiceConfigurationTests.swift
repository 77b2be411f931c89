import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import Delivery
@testable import Pipelines

/// The settings file and the environment over it: every setting read, every mistake named by its field.
@Suite struct ServiceConfigurationTests {
    private func load(_ json: String, environment: [String: String] = [:]) throws -> ServiceConfiguration {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.appending("config.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        return try ServiceConfiguration.load(file: file, environment: environment)
    }

    private let credentials = ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-xyz"]

    @Test func aFullFileIsReadAndTheEnvironmentWins() throws {
        let configuration = try load(
            """
            {"server": {"host": "0.0.0.0", "port": 9090, "public_url": "https://reports.example.com"},
             "storage": {"s3": {"bucket": "dialer-reports", "region": "eu-west-1", "style": "virtual-hosted"},
                         "key_template": "reports/{report_id}.json", "link_expires": "12h"},
             "mail": {"from": "dialer@example.com", "recipients": ["ops@example.com"],
                      "smtp": {"host": "smtp.example.com", "port": 2525, "security": "starttls-if-offered",
                               "username": "dialer", "timeout": "30s"}},
             "jobs": [{"id": "weekdays", "cron": "0 9 * * MON-FRI", "campaigns": ["C1", "C2"],
                       "window": "previous-business-day", "time_zone": "America/New_York", "rules": "zero-fill",
                       "recipients": ["lead@example.com"], "starting_deadline": "10m", "lease": "20m", "dst": "literal"}]}
            """,
            environment: credentials.merging(["SMTP_PASSWORD": "pw", "AWS_REGION": "eu-central-1"]) { $1 })
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9090)
        #expect(configuration.linkBaseURL == "https://reports.example.com")
        #expect(configuration.s3?.bucket == "dialer-reports")
        #expect(configuration.s3?.region == "eu-central-1", "AWS_REGION is over the file")
        #expect(configuration.s3?.addressingStyle == .virtualHosted)
        #expect(configuration.keyTemplate.template == "reports/{report_id}.json")
        #expect(configuration.linkLifetime == .seconds(43_200))
        #expect(configuration.smtp?.port == 2525 && configuration.smtp?.security == .startTLSIfOffered)
        #expect(configuration.smtp?.credentials?.user == "dialer")
        #expect(configuration.smtp?.credentials?.password.exposed == "pw")
        #expect(configuration.smtp?.timeout == .seconds(30))
        let job = try #require(configuration.jobs.first)
        #expect(job.id == "weekdays" && job.campaigns == ["C1", "C2"] && job.window == .previousBusinessDay)
        #expect(job.timeZone == "America/New_York" && job.ruleSet == .zeroFill)
        #expect(job.recipients == ["lead@example.com"] && job.startingDeadline == .seconds(600))
        #expect(job.lease == .seconds(1_200))
        #expect(job.schedule.dst == .literal)
    }

    @Test func apiKeysComeFromTheFileByReferenceAndTheEnvironmentAddsOrReplaces() throws {
        let opsSecret = "ops-secret-0123456789"
        let configuration = try load(
            """
            {"server": {"open_health": false, "open_metrics": true, "api_keys": [
              {"name": "dash", "role": "read", "secret_env": "DASH_KEY"},
              {"name": "ops", "role": "run", "secret_sha256": "\(SHA256Digest.of(Array(opsSecret.utf8)).hex)"},
              {"name": "old", "role": "run", "secret_env": "DASH_KEY"}]}}
            """,
            environment: [
                "DASH_KEY": "dash-secret-0123456789", "DIALER_LEDGER_API_KEYS": "old:read:new-secret-0123456789",
            ])
        #expect(!configuration.openHealth && configuration.openMetrics)
        let keys = configuration.apiKeys
        #expect(keys.keys.map(\.name) == ["dash", "ops", "old"])
        #expect(keys.key(authorization: "Bearer dash-secret-0123456789")?.role == .read)
        #expect(keys.key(authorization: "Bearer \(opsSecret)")?.name == "ops")
        #expect(keys.key(authorization: "Bearer new-secret-0123456789")?.role == .read, "the environment's old wins")
        #expect(keys.key(authorization: "Bearer wrong-secret-0123456789") == nil)
        // A secret too short to be a key is refused naming the field, never quoting the secret.
        #expect {
            _ = try load(
                #"{"server": {"api_keys": [{"name": "a", "role": "read", "secret_env": "SHORT"}]}}"#,
                environment: ["SHORT": "tiny-secret"])
        } throws: { error in
            guard case DialerCoreError.invalidField(let field, let reason) = error else { return false }
            return field == "config.server.api_keys[0].secret_env" && !reason.contains("tiny-secret")
        }
    }

    @Test func withNothingConfiguredReportsGoToTheDataFolder() throws {
        let configuration = try ServiceConfiguration.load(file: nil, environment: [:])
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let settings = try configuration.publishSettings(dataFolder: folder.path)
        let store = try #require(settings.objects as? LocalObjectStore)
        #expect(store.root == folder.appending("objects") && store.baseURL == "http://127.0.0.1:8080")
        #expect((settings.mailer as? MailFolder)?.path == folder.appending("mail"))
        let key = try String(contentsOfFile: folder.appending("keys/link-signing.key"), encoding: .utf8)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appending("keys/link-signing.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        _ = try configuration.publishSettings(dataFolder: folder.path)
        #expect(try String(contentsOfFile: folder.appending("keys/link-signing.key"), encoding: .utf8) == key)
    }

    @Test(arguments: [
        (#"{"storage": {"bucket": "x"}}"#, "config.storage.bucket"),
        (#"{"jobs": [{"id": "a", "cron": "0 25 * * *", "campaigns": ["C1"]}]}"#, "config.jobs[0].cron"),
        (#"{"jobs": [{"id": "a", "cron": "@daily", "campaigns": []}]}"#, "config.jobs[0].campaigns"),
        (#"{"jobs": [{"id": "a", "cron": "@daily", "campaigns": ["C1"], "lease": "0s"}]}"#, "config.jobs[0].lease"),
        (
            #"{"jobs": [{"id": "a", "cron": "@daily", "campaigns": ["C1"], "time_zone": "Mars/Base"}]}"#,
            "config.jobs[0].time_zone"
        ),
        (
            #"{"jobs": [{"id": "a", "cron": "@daily", "campaigns": ["C1"]}, {"id": "a", "cron": "@daily", "campaigns": ["C2"]}]}"#,
            "config.jobs[1].id"
        ),
        (#"{"storage": {"link_expires": "2 days"}}"#, "config.storage.link_expires"),
        (#"{"storage": {"key_template": "reports/{day}.json"}}"#, "config.storage.key_template"),
        (#"{"storage": {"s3": {"bucket": "reports"}}}"#, "config.storage.s3"),
        (#"{"mail": {"smtp": {"host": "smtp.example.com", "username": "u"}}}"#, "config.mail.smtp.username"),
        (#"{"server": {"port": 70000}}"#, "config.server.port"),
        (#"{"server": {"open_metrics": "yes"}}"#, "config.server.open_metrics"),
        (#"{"server": {"api_keys": {}}}"#, "config.server.api_keys"),
        (
            #"{"server": {"api_keys": [{"name": "a", "role": "admin", "secret_env": "K"}]}}"#,
            "config.server.api_keys[0].role"
        ),
        (
            #"{"server": {"api_keys": [{"name": "a b", "role": "read", "secret_env": "K"}]}}"#,
            "config.server.api_keys[0].name"
        ),
        (
            #"{"server": {"api_keys": [{"name": "a", "role": "read", "secret_env": "UNSET_KEY"}]}}"#,
            "config.server.api_keys[0].secret_env"
        ),
        (#"{"server": {"api_keys": [{"name": "a", "role": "read"}]}}"#, "config.server.api_keys[0].secret_env"),
        (
            #"{"server": {"api_keys": [{"name": "a", "role": "read", "secret": "inline-secret-0123456789"}]}}"#,
            "config.server.api_keys[0].secret"
        ),
        (
            #"{"server": {"api_keys": [{"name": "a", "role": "read", "secret_sha256": "abc"}]}}"#,
            "config.server.api_keys[0].secret_sha256"
        ),
        (
            #"{"server": {"api_keys": [{"name": "a", "role": "read", "secret_sha256": "\#(String(repeating: "0", count: 64))"}, {"name": "a", "role": "run", "secret_sha256": "\#(String(repeating: "1", count: 64))"}]}}"#,
            "config.server.api_keys[1].name"
        ),
        (#"[1, 2]"#, "config"),
    ])
    func mistakesAreNamedByTheirField(json: String, field: String) throws {
        #expect {
            _ = try load(json)
        } throws: { error in
            guard case DialerCoreError.invalidField(let named, _) = error else { return false }
            return named == field
        }
    }

    @Test func publishSettingsRefuseALinkPastSevenDaysAndBadRecipients() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var configuration = try load(#"{"storage": {"link_expires": "169h"}}"#)
        #expect(
            throws: DialerCoreError.invalidField(
                field: "link_expires", reason: "must be whole seconds from 1 s to 7 days (604800 s); got 608400 s")
        ) {
            _ = try configuration.publishSettings(dataFolder: folder.path)
        }
        configuration.linkLifetime = .seconds(3_600)
        #expect {
            _ = try configuration.publishSettings(
                dataFolder: folder.path, recipients: ["ok@example.com", "not an address"])
        } throws: { error in
            guard case DialerCoreError.invalidField(let field, _) = error else { return false }
            return field == "recipients[1]"
        }
        let secretFree = try load(#"{}"#, environment: credentials.merging(["S3_BUCKET": "reports"]) { $1 })
        #expect(!secretFree.describe(dataFolder: folder.path).joined().contains("secret-xyz"))
    }
}

/// The example settings file under Schemas/examples (which tools/test checks against the schema) is one
/// the service reads.
@Suite struct ExampleConfigurationTests {
    @Test func theExampleFileIsRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let configuration = try ServiceConfiguration.load(
            file: root.appendingPathComponent("Schemas/examples/config.example.json").path,
            environment: ["DASHBOARD_API_KEY": "dashboard-secret-0123456789"])
        #expect(configuration.apiKeys.keys.map(\.name) == ["dashboard", "ops"])
        #expect(configuration.openHealth && !configuration.openMetrics)
        #expect(configuration.jobs.map(\.id) == ["weekday-morning", "daily-close"])
        #expect(configuration.jobs.first?.recipients == ["outbound-leads@example.com"])
        #expect(configuration.jobs.last?.recipients == nil, "the default recipients apply")
        #expect(configuration.recipients == ["contact-center-ops@example.com"])
        #expect(configuration.s3 == nil && configuration.smtp == nil)
    }
}
