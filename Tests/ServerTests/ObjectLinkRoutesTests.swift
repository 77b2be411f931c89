import AsyncHTTPClient
import Delivery
import DialerCore
import DialerTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Server

/// The local store's links over real HTTP on loopback: served when sound, refused when expired or altered.
@Suite struct ObjectLinkRoutesTests {
    /// A running server over a store in a temporary folder, with a clock the test moves.
    private struct Running {
        let folder: TemporaryFolder
        let store: LocalObjectStore
        let clock: ManualClock
        let served: ServedApplication
        var port: Int { served.port }

        static func start() async throws -> Running {
            let folder = try TemporaryFolder("links")
            let clock = ManualClock(Timestamp(milliseconds: 1_764_000_000_000))
            let key = LinkSigningKey(bytes: Array(repeating: 7, count: 32))
            let served = await ServedApplication.start { onRunning in
                HTTPServer.application(
                    host: "127.0.0.1", port: 0,
                    objects: LocalObjectStore(
                        root: folder.path + "/objects", baseURL: "http://127.0.0.1:0", signingKey: key),
                    now: { clock.now() }, logger: ServedApplication.quiet, onRunning: onRunning)
            }
            let store = LocalObjectStore(
                root: folder.path + "/objects", baseURL: "http://127.0.0.1:\(served.port)", signingKey: key)
            return Running(folder: folder, store: store, clock: clock, served: served)
        }

        func stop() async { await served.stop() }
    }

    private func get(_ url: String) async throws -> (status: Int, body: String, contentType: String?) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "content-type"))
    }

    @Test func aSoundLinkServesTheBytesUntilItExpires() async throws {
        let server = try await Running.start()
        let body = Array(#"{"report":"rpt-1"}"#.utf8)
        let stored = try await server.store.put(
            key: "reports/dialer_2026-12-01.json", body: body, contentType: "application/json")
        #expect(stored.sha256 == SHA256Digest.of(body).hex)
        let link = try server.store.link(
            key: "reports/dialer_2026-12-01.json", expires: .seconds(3_600), at: server.clock.now())
        #expect(link.expiresAt.milliseconds == server.clock.now().milliseconds + 3_600_000)
        let ok = try await get(link.url)
        #expect(ok.status == 200)
        #expect(ok.body == #"{"report":"rpt-1"}"#)
        #expect(ok.contentType == "application/json")
        server.clock.advance(milliseconds: 3_600_000)
        let expired = try await get(link.url)
        #expect(expired.status == 403)
        #expect(expired.body.contains("expired"))
        await server.stop()
    }

    @Test func alteredLinksAreRefused() async throws {
        let server = try await Running.start()
        for key in ["reports/a.json", "reports/b.json"] {
            _ = try await server.store.put(key: key, body: Array(key.utf8), contentType: "application/json")
        }
        let link = try server.store.link(key: "reports/a.json", expires: .seconds(600), at: server.clock.now()).url
        let otherKey = link.replacingOccurrences(of: "reports/a.json", with: "reports/b.json")
        let longer = link.replacingOccurrences(of: "expires=", with: "expires=9")
        let lastDigit = link.last == "0" ? "1" : "0"
        let badSignature = String(link.dropLast()) + lastDigit
        let unsigned = String(link.prefix { $0 != "?" })
        for url in [otherKey, longer, badSignature, unsigned] {
            let answer = try await get(url)
            #expect(answer.status == 403, "\(url)")
            #expect(!answer.body.contains("reports/"), "the refusal names no object: \(answer.body)")
        }
        #expect(try await get(link).status == 200)
        await server.stop()
    }

    @Test func aPageIsServedAsHTMLThatMayLoadNothingAndACSVAsCSV() async throws {
        let server = try await Running.start()
        let objects = [
            ("reports/r.html", "<!DOCTYPE html><p>page</p>"), ("reports/r.csv", "campaign_id\r\n"),
            ("reports/r.json", "{}"),
        ]
        var answers: [String: [String: [String]]] = [:]
        for (key, body) in objects {
            _ = try await server.store.put(key: key, body: Array(body.utf8), contentType: "")
            let link = try server.store.link(key: key, expires: .seconds(600), at: server.clock.now())
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: link.url), timeout: .seconds(60))
            #expect(String(buffer: try await response.body.collect(upTo: 1 << 20)) == body)
            answers[key] = ["content-type", "content-security-policy", "x-content-type-options"].reduce(into: [:]) {
                $0[$1] = response.headers[$1]
            }
        }
        let page = try #require(answers["reports/r.html"])
        #expect(page["content-type"] == ["text/html; charset=utf-8"])
        #expect(
            page["content-security-policy"] == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"])
        #expect(page["x-content-type-options"] == ["nosniff"])
        let csv = try #require(answers["reports/r.csv"])
        #expect(csv["content-type"] == ["text/csv; charset=utf-8; header=present"])
        let json = try #require(answers["reports/r.json"])
        #expect(json["content-type"] == ["application/json"])
        #expect(json["content-security-policy"] == [], "only a page gets the policy")
        await server.stop()
    }

    @Test func aLinkToAnObjectThatIsGoneIs404() async throws {
        let server = try await Running.start()
        _ = try await server.store.put(key: "reports/gone.json", body: [1, 2, 3], contentType: "application/json")
        let link = try server.store.link(key: "reports/gone.json", expires: .seconds(600), at: server.clock.now())
        try FileManager.default.removeItem(atPath: server.folder.path + "/objects/reports/gone.json")
        #expect(try await get(link.url).status == 404)
        #expect(try await get("http://127.0.0.1:\(server.port)/healthz").status == 200)
        await server.stop()
    }
}
