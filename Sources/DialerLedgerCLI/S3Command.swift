import ArgumentParser
import Delivery
import DialerCore
import EventLog
import Foundation

/// `dialer-ledger s3`: S3 helpers.
struct S3Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3", abstract: "S3 helpers.", subcommands: [S3PresignCommand.self])
}

/// `dialer-ledger s3 presign`: prints a presigned GET link, signed here, no request sent.
struct S3PresignCommand: ParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "presign",
        abstract: "Print a presigned GET URL for an object (SigV4 query auth; nothing is sent).",
        discussion: """
            Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; the \
            endpoint from --endpoint, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (default AWS); the region from \
            --region or AWS_REGION; the bucket from --bucket or S3_BUCKET. The expiry goes to standard error.
            """)

    @OptionGroup var logging: LogOptions
    @Option(help: "Bucket (default $S3_BUCKET).") var bucket: String?
    @Option(help: "Object key.") var key: String
    @Option(help: "Region (default $AWS_REGION, else us-east-1).") var region: String?
    @Option(help: "Endpoint URL of an S3-compatible service.") var endpoint: String?
    @Option(help: "Addressing: path or virtual-hosted (default: virtual-hosted for AWS, path otherwise).")
    var style: String?
    @Option(help: ArgumentHelp("How long the link is valid: 1s to 168h (7 days).", valueName: "DURATION"))
    var expires = "24h"
    @Option(
        help: ArgumentHelp("Sign as of this instant (default: now; a date: midnight UTC).", valueName: "INSTANT|DATE"))
    var at: String?
    @Option(
        name: .customLong("response-header"),
        help: ArgumentHelp(
            "Override a response header: content-disposition, content-type or cache-control.",
            valueName: "NAME=VALUE"))
    var responseHeaders: [String] = []

    func run() throws {
        try reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            func setting(_ names: String...) -> String? {
                names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
            }
            guard let bucket = bucket ?? setting("S3_BUCKET") else {
                throw ValidationError("--bucket: give one, or set S3_BUCKET")
            }
            guard let id = setting("AWS_ACCESS_KEY_ID"), let secret = setting("AWS_SECRET_ACCESS_KEY") else {
                throw ValidationError("credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
            }
            let addressing = try style.map { name in
                guard let value = S3Configuration.AddressingStyle(rawValue: name) else {
                    throw ValidationError("--style: must be path or virtual-hosted, got \"\(name)\"")
                }
                return value
            }
            var overrides = S3ResponseOverrides()
            for pair in responseHeaders {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw ValidationError("--response-header: \"\(pair)\" is not NAME=VALUE")
                }
                switch parts[0].lowercased() {
                case "content-disposition": overrides.contentDisposition = parts[1]
                case "content-type": overrides.contentType = parts[1]
                case "cache-control": overrides.cacheControl = parts[1]
                default:
                    throw ValidationError(
                        "--response-header: \"\(parts[0])\" is not content-disposition, content-type or cache-control")
                }
            }
            let configuration = S3Configuration(
                bucket: bucket, region: region ?? setting("AWS_REGION") ?? "us-east-1",
                endpoint: endpoint ?? setting("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"), addressingStyle: addressing,
                credentials: S3Credentials(
                    accessKeyID: id, secretAccessKey: secret, sessionToken: setting("AWS_SESSION_TOKEN")))
            let time = try at.map { try Timestamp(parsing: $0, in: .gmt, field: "--at") } ?? Timestamp.systemNow()
            let link = try S3Client(configuration: configuration).presignedGET(
                key: key, expires: try Duration(parsing: expires, field: "--expires"), at: time,
                responseHeaders: overrides)
            print(link.url)
            printError("expires at \(link.expiresAt.rfc3339Seconds)")
        }
    }
}
