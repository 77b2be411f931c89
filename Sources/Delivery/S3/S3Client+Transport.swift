import AsyncHTTPClient
import DialerCore
import NIOCore
import NIOHTTP1

/// One request as sent: method, URL (path and query encoded), every header, and the body.
struct S3Request: Sendable {
    var method: String
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
}

/// One answer, its body read in full.
struct S3Response: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of the header `name`, compared without case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension S3Client {
    /// The largest body read.
    static let maxBody = 16 << 20

    /// Signs and sends one operation; returns a 2xx answer, or throws `DeliveryError.s3` naming `operation`.
    func call(
        _ operation: String, _ method: String, bucket: String, key: String?,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], payloadSHA256: String? = nil
    ) async throws -> S3Response {
        let request = try signedRequest(
            method, bucket: bucket, key: key, query: query, headers: headers, body: body,
            payloadSHA256: payloadSHA256, at: clock())
        let response: S3Response
        do {
            response = try await send(request)
        } catch let error where !(error is CancellationError) {
            let reason = S3Failure.redact(String(describing: error), configuration.credentials.secrets)
            throw DeliveryError.s3(S3Failure(operation: operation, bucket: bucket, key: key, kind: .transport(reason)))
        }
        guard (200..<300).contains(response.status) else {
            throw DeliveryError.s3(
                S3Failure(
                    operation: operation, bucket: bucket, key: key, status: response.status, body: response.body,
                    secrets: configuration.credentials.secrets))
        }
        return response
    }

    /// The request for an operation, header-signed at `time`.
    func signedRequest(
        _ method: String, bucket: String, key: String?, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], payloadSHA256: String? = nil,
        at time: Timestamp
    ) throws -> S3Request {
        let location = try configuration.location(bucket: bucket, key: key)
        let request = SigV4.Request(
            method: method, host: location.host, path: location.path, query: query, headers: headers)
        let signed = signer.sign(request, payloadSHA256: payloadSHA256 ?? SHA256Digest.of(body).hex, at: time)
        return S3Request(
            method: method, url: location.url(query: SigV4.canonicalQuery(query)), headers: signed.headers,
            body: method == "GET" || method == "HEAD" ? nil : body)
    }

    /// Sends `request` as it is (its `Host` header included) and reads the whole answer.
    func send(_ request: S3Request) async throws -> S3Response {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(
            outgoing, timeout: .milliseconds(configuration.requestTimeout.milliseconds))
        let body = try await response.body.collect(upTo: Self.maxBody)
        return S3Response(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer: body))
    }
}
