import DialerCore
import Testing

@testable import Delivery

/// URLs and `Host` values of both addressing styles, and the presigned-link form, without a server.
@Suite struct S3ConfigurationTests {
    static let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret-example-key")

    @Test func awsDefaultsToVirtualHostedInTheRegion() throws {
        let configuration = S3Configuration(bucket: "reports", region: "eu-west-1", credentials: Self.credentials)
        #expect(configuration.addressingStyle == .virtualHosted)
        let location = try configuration.location(bucket: "reports", key: "reports/dialer_2026-11-30.json")
        #expect(location.host == "reports.s3.eu-west-1.amazonaws.com")
        #expect(location.url() == "https://reports.s3.eu-west-1.amazonaws.com/reports/dialer_2026-11-30.json")
    }

    @Test func customEndpointsDefaultToPathStyleAndKeepTheirPort() throws {
        let configuration = S3Configuration(
            bucket: "reports", region: "us-east-1", endpoint: "http://127.0.0.1:9000", credentials: Self.credentials)
        #expect(configuration.addressingStyle == .path)
        let location = try configuration.location(bucket: "reports", key: "a b/c+d.json")
        #expect(location.host == "127.0.0.1:9000")
        #expect(location.url(query: "x=1") == "http://127.0.0.1:9000/reports/a%20b/c%2Bd.json?x=1")
        let bucketOnly = try configuration.location(bucket: "reports", key: nil)
        #expect(bucketOnly.url() == "http://127.0.0.1:9000/reports")
        let standardPort = S3Configuration(
            bucket: "reports", region: "auto", endpoint: "https://acct.r2.example:443/", credentials: Self.credentials)
        #expect(try standardPort.location(bucket: "reports", key: "k").host == "acct.r2.example")
    }

    @Test func virtualHostedOnACustomEndpoint() throws {
        let configuration = S3Configuration(
            bucket: "reports", region: "us-east-1", endpoint: "http://localhost:9000", addressingStyle: .virtualHosted,
            credentials: Self.credentials)
        let location = try configuration.location(bucket: "reports", key: "k.json")
        #expect(location.host == "reports.localhost:9000")
        #expect(location.url() == "http://reports.localhost:9000/k.json")
    }

    @Test func presignedLinkCarriesTheOverridesAndTheRecordedExpiry() throws {
        let client = S3Client(
            configuration: S3Configuration(bucket: "reports", region: "eu-west-1", credentials: Self.credentials))
        let at = Timestamp(milliseconds: 1_796_101_200_000)
        let link = try client.presignedGET(
            key: "reports/dialer_2026-11-30.json", expires: .seconds(3600), at: at,
            responseHeaders: S3ResponseOverrides(
                contentDisposition: "attachment; filename=\"dialer.json\"", contentType: "application/json"))
        #expect(link.url.hasPrefix("https://reports.s3.eu-west-1.amazonaws.com/reports/dialer_2026-11-30.json?X-Amz-"))
        #expect(link.url.contains("&response-content-disposition=attachment%3B%20filename%3D%22dialer.json%22"))
        #expect(link.url.contains("&response-content-type=application%2Fjson"))
        #expect(link.url.contains("X-Amz-Credential=AKIDEXAMPLE%2F20261201%2Feu-west-1%2Fs3%2Faws4_request"))
        #expect(!link.url.contains("secret-example-key"))
        #expect(link.signedAt == at && link.expiresAt.milliseconds == at.milliseconds + 3_600_000)
    }

    @Test func unusableSettingsAreRefusedByName() {
        func field(_ make: () throws -> Void) -> String? {
            do { try make() } catch DialerCoreError.invalidField(let field, _) { return field } catch { return "other" }
            return nil
        }
        let good = S3Configuration(bucket: "reports", region: "us-east-1", credentials: Self.credentials)
        var ftp = good
        ftp.endpoint = "ftp://example.com"
        #expect(field { _ = try ftp.location(bucket: "reports", key: "k") } == "endpoint")
        var withPath = good
        withPath.endpoint = "https://example.com/base"
        #expect(field { _ = try withPath.location(bucket: "reports", key: "k") } == "endpoint")
        #expect(field { _ = try good.location(bucket: "Reports", key: "k") } == "bucket")
        #expect(field { _ = try good.location(bucket: "my.reports", key: "k") } == "bucket")
        #expect(field { _ = try good.location(bucket: "reports", key: "") } == "key")
        var path = good
        path.addressingStyle = .path
        #expect(field { _ = try path.location(bucket: "my.reports", key: "k") } == nil)
    }
}
