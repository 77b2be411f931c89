import DialerCore
import Testing

@testable import Delivery

/// The signer against the examples AWS publishes for S3 (bucket `examplebucket`, 24 May 2013, us-east-1).
@Suite struct S3SignerTests {
    static let credentials = S3Credentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let signer = SigV4(credentials: credentials, region: "us-east-1")
    /// 2013-05-24T00:00:00Z.
    static let may24 = Timestamp(milliseconds: 1_369_353_600_000)
    static let host = "examplebucket.s3.amazonaws.com"
    static let empty = SigV4.emptyPayloadSHA256

    private func signature(_ request: SigV4.Request, payload: String = empty) -> SigV4.SignedRequest {
        Self.signer.sign(request, payloadSHA256: payload, at: Self.may24)
    }

    @Test func signingKeyAndDate() {
        #expect(SigV4.amzDate(Self.may24) == "20130524T000000Z")
        #expect(
            SigV4.hex(Self.signer.signingKey(day: "20130524"))
                == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378")
    }

    @Test func getObjectWithRange() {
        let signed = signature(
            .init(method: "GET", host: Self.host, path: "/test.txt", headers: [("Range", "bytes=0-9")]))
        #expect(
            signed.canonicalRequest == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:\(Self.empty)
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                \(Self.empty)
                """)
        #expect(
            signed.stringToSign == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """)
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let authorization = signed.headers.first { $0.name == "Authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectEncodesTheDollarOnceAndSignsThePayload() {
        let payload = SHA256Digest.of(Array("Welcome to Amazon S3.".utf8)).hex
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signed = signature(
            .init(
                method: "PUT", host: Self.host, path: "/test$file.text",
                headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")]),
            payload: payload)
        #expect(signed.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"))
        #expect(signed.stringToSign.hasSuffix("\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func bucketLifecycleQueryWithoutValue() {
        let signed = signature(.init(method: "GET", host: Self.host, path: "/", query: [("lifecycle", "")]))
        #expect(signed.canonicalRequest.hasPrefix("GET\n/\nlifecycle=\nhost:"))
        #expect(signed.stringToSign.hasSuffix("\n9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca"))
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsTheQuery() {
        let signed = signature(
            .init(method: "GET", host: Self.host, path: "/", query: [("prefix", "J"), ("max-keys", "2")]))
        #expect(signed.canonicalRequest.hasPrefix("GET\n/\nmax-keys=2&prefix=J\n"))
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedGET() throws {
        let presigned = try Self.signer.presign(
            .init(method: "GET", host: Self.host, path: "/test.txt"), expires: .seconds(86_400), at: Self.may24)
        #expect(
            presigned.stringToSign == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04
                """)
        #expect(presigned.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(
            presigned.query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"
                + "%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(presigned.expiresAt == Timestamp(milliseconds: Self.may24.milliseconds + 86_400_000))
    }

    @Test func encodingFollowsAWSRules() {
        #expect(SigV4.encode("a b+c/d~e_f.g-h$é", keepingSlashes: true) == "a%20b%2Bc/d~e_f.g-h%24%C3%A9")
        #expect(SigV4.encode("a/b=c&d*", keepingSlashes: false) == "a%2Fb%3Dc%26d%2A")
        // An already-encoded key is encoded again as data: S3 keys are literal, `%` included.
        #expect(SigV4.encode("reports/100%.json", keepingSlashes: true) == "reports/100%25.json")
        #expect(
            SigV4.canonicalQuery([("b", "2"), ("a", "x y"), ("a", "1"), ("B", "0")]) == "B=0&a=1&a=x%20y&b=2")
        let headers = SigV4.canonicalHeaders([("X-Thing", "  a   b  "), ("x-thing", "c"), ("Accept", "*/*")])
        #expect(headers.map { "\($0.name):\($0.value)" } == ["accept:*/*", "x-thing:a b,c"])
    }

    @Test func sessionTokenIsSignedAndSent() throws {
        var credentials = Self.credentials
        credentials.sessionToken = "token/with+chars"
        let signer = SigV4(credentials: credentials, region: "us-east-1")
        let signed = signer.sign(
            .init(method: "GET", host: Self.host, path: "/k"), payloadSHA256: Self.empty, at: Self.may24)
        #expect(signed.headers.contains { $0.name == "x-amz-security-token" && $0.value == "token/with+chars" })
        #expect(signed.canonicalRequest.contains("host;x-amz-content-sha256;x-amz-date;x-amz-security-token"))
        let presigned = try signer.presign(
            .init(method: "GET", host: Self.host, path: "/k"), expires: .seconds(60), at: Self.may24)
        #expect(presigned.query.contains("&X-Amz-Security-Token=token%2Fwith%2Bchars&X-Amz-SignedHeaders=host&"))
    }

    @Test func expiryIsBetweenOneSecondAndSevenDays() throws {
        let request = SigV4.Request(method: "GET", host: Self.host, path: "/k")
        let week = try Self.signer.presign(request, expires: .seconds(604_800), at: Self.may24)
        #expect(week.query.contains("X-Amz-Expires=604800"))
        for bad: Duration in [.seconds(604_801), .zero, .seconds(-5), .milliseconds(1500)] {
            #expect {
                try Self.signer.presign(request, expires: bad, at: Self.may24)
            } throws: { error in
                guard case DialerCoreError.invalidField(let field, let reason) = error else { return false }
                return field == "expires" && reason.contains("1 to 604800")
            }
        }
    }

    @Test func credentialsExpiringSoonerShortenTheRecordedExpiry() throws {
        let soon = Timestamp(milliseconds: Self.may24.milliseconds + 900_000)
        var credentials = Self.credentials
        credentials.expiresAt = soon
        let signer = SigV4(credentials: credentials, region: "us-east-1")
        let request = SigV4.Request(method: "GET", host: Self.host, path: "/k")
        let presigned = try signer.presign(request, expires: .seconds(86_400), at: Self.may24)
        #expect(presigned.expiresAt == soon)
        #expect(presigned.query.contains("X-Amz-Expires=86400"))
        #expect(
            SigV4.linkExpiry(asked: .seconds(600), signedAt: Self.may24, credentialsExpireAt: soon).milliseconds
                == Self.may24.milliseconds + 600_000)
        #expect(
            SigV4.linkExpiry(asked: .seconds(9_999_999), signedAt: Self.may24, credentialsExpireAt: nil).milliseconds
                == Self.may24.milliseconds + 604_800_000)
        #expect {
            try signer.presign(request, expires: .seconds(60), at: soon)
        } throws: { error in
            guard case DialerCoreError.invalidField(let field, _) = error else { return false }
            return field == "credentials"
        }
    }

    @Test func credentialsNeverShowTheirSecret() {
        let credentials = S3Credentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "very-secret-value", sessionToken: "session-token-value")
        for text in [
            "\(credentials)", String(reflecting: credentials),
            String(describing: Mirror(reflecting: credentials).children.map(\.value)),
        ] {
            #expect(!text.contains("very-secret-value") && !text.contains("session-token-value"), "\(text)")
            #expect(text.contains("[redacted]"))
        }
    }
}
