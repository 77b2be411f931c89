import DialerTesting
import Foundation
import Testing

/// `dialer-ledger s3 presign` with AWS's published example credentials and time.
@Suite struct S3PresignCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private let example = [
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
    ]

    @Test func reproducesAWSsPublishedPresignedURL() async throws {
        let outcome = try await tool.run(
            [
                "s3", "presign", "--bucket", "examplebucket", "--key", "test.txt", "--region", "us-east-1",
                "--endpoint", "https://s3.amazonaws.com", "--style", "virtual-hosted", "--at", "2013-05-24T00:00:00Z",
                "--expires", "24h",
            ], environment: example)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.lines.first?.hasPrefix("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=") == true)
        #expect(
            outcome.stdout.contains(
                "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
        #expect(outcome.stderr.contains("expires at 2013-05-25T00:00:00Z"))
        #expect(!outcome.stdout.contains("wJalrXUtnFEMI") && !outcome.stderr.contains("wJalrXUtnFEMI"))
    }

    @Test func badInputIsNamed() async throws {
        let tooLong = try await tool.run(
            ["s3", "presign", "--bucket", "reports", "--key", "k", "--expires", "168h1s"], environment: example)
        #expect(tooLong.status == 2)
        #expect(tooLong.stderr.contains("expires"), "\(tooLong.stderr)")
        let bare = try await tool.run(
            ["s3", "presign", "--bucket", "reports", "--key", "k", "--expires", "3600"], environment: example)
        #expect(bare.status == 2)
        #expect(bare.stderr.hasPrefix("dialer-ledger: --expires: "), "a duration needs its unit: \(bare.stderr)")
        let header = try await tool.run(
            ["s3", "presign", "--bucket", "reports", "--key", "k", "--response-header", "x-foo=1"], environment: example
        )
        #expect(header.stderr.contains(#"--response-header: "x-foo" is not content-disposition"#))
    }
}
