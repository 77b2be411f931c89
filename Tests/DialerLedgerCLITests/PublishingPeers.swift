import DialerTesting
import Foundation
import Testing

@testable import Delivery

/// The real peers a publication talks to: moto_server in auth mode holding the bucket `dialer-reports`, and
/// aiosmtpd with STARTTLS and AUTH; with the settings file and environment that point `dialer-ledger` at them.
struct PublishingPeers {
    let moto: MotoServer
    let smtp: SMTPTestServer
    let key: MotoServer.AccessKey
    /// A client of the bucket, for checking what was stored.
    let s3: S3Client

    /// Starts both servers and creates the bucket.
    static func start() async throws -> PublishingPeers {
        let moto = try await MotoServer.start(.authenticated())
        let smtp = try await SMTPTestServer()
        let key = try #require(moto.accessKey)
        let s3 = S3Client(
            configuration: S3Configuration(
                bucket: "dialer-reports", region: "us-east-1", endpoint: moto.endpoint,
                credentials: S3Credentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey)))
        try await s3.createBucket()
        return PublishingPeers(moto: moto, smtp: smtp, key: key, s3: s3)
    }

    /// Stops both servers.
    func stop() {
        smtp.stop()
        moto.stop()
    }

    /// Writes a settings file to `path`: `storage` and `jobs` (JSON texts, if given) and the SMTP server as
    /// `mail.smtp`, sending from reports@dialer.example.com.
    func writeSettings(to path: String, storage: String? = nil, jobs: String? = nil) throws {
        let settings = """
            {\(storage.map { "\"storage\": \($0)," } ?? "")\(jobs.map { "\"jobs\": \($0)," } ?? "")
             "mail": {"from": "reports@dialer.example.com",
                      "smtp": {"host": "127.0.0.1", "port": \(smtp.port), "username": "\(SMTPTestServer.user)",
                               "trust_roots": "\(smtp.certificate)", "timeout": "20s"}}}
            """
        try Data(settings.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The environment of a command: the embedded CXone simulator, S3 bucket `bucket` at moto, and the SMTP
    /// password `smtpPassword`.
    func environment(bucket: String = "dialer-reports", smtpPassword: String = SMTPTestServer.password)
        -> [String: String]
    {
        [
            "CXONE_BASE_URL": "", "S3_BUCKET": bucket, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.endpoint,
            "AWS_ACCESS_KEY_ID": key.accessKeyID, "AWS_SECRET_ACCESS_KEY": key.secretAccessKey,
            "SMTP_PASSWORD": smtpPassword,
        ]
    }
}
