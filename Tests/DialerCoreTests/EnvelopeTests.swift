import DialerCore
import Foundation
import Testing

@Suite struct EnvelopeTests {
    private let draft = EventDraft(
        type: "MetricPageFetched", stream: "campaign:C1", payload: ["b": [true, nil, 0.5], "a": 1],
        correlationID: UUID(uuidString: "00000000-0000-4000-8000-000000000001"), idempotencyKey: "k-1",
        id: UUID(uuidString: "00000000-0000-4000-8000-000000000002"))

    /// Sealed the way every store seals: head hashed while preparing, tail inside the transaction.
    private func sealed() throws -> Envelope {
        var seeds = SplitMix64(seed: 1)
        var ids = EventIDGenerator(seededBy: &seeds)
        let batch = try ValidatedBatch([draft], ids: &ids)
        let sealed = batch.seal(after: .empty, now: Timestamp(milliseconds: 1_795_575_901_123)) { _ in nil }
        return try #require(sealed.appended.first)
    }

    @Test func canonicalBytesAndHashAreFixed() throws {
        let envelope = try sealed()
        let withoutHash =
            #"{"causation_id":null,"correlation_id":"00000000-0000-4000-8000-000000000001","id":"00000000-0000-4000-8000-000000000002","idempotency_key":"k-1","payload":{"a":1,"b":[true,null,0.5]},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-11-25T03:05:01.123Z","seq":1,"stream":"campaign:C1","type":"MetricPageFetched","version":1}"#
        #expect(String(decoding: envelope.canonicalBytes(includingHash: false), as: UTF8.self) == withoutHash)
        // Computed independently with Python's hashlib over the bytes above.
        #expect(envelope.hash.hex == "f04d827e5e41f548e30e17054f041ec79017e1dd715c70a6ec7237c50fca7d1d")
        #expect(envelope.computedHash() == envelope.hash)
        #expect(envelope.jsonLine.contains(#""hash":"f04d827e"#))
        #expect(try JSONParser.parse(envelope.jsonLine)["hash"] == .string(envelope.hash.hex))
    }

    @Test func aViewWritesTheEnvelopesCanonicalBytesInPlace() throws {
        let envelope = try sealed()
        var w = CanonicalJSONWriter()
        w.writeRaw("[")
        envelope.withView { $0.writeCanonical(to: &w) }
        #expect(w.bytes == Array("[".utf8) + envelope.canonicalBytes())
    }

    @Test func anyChangedFieldChangesTheHash() throws {
        let original = try sealed()
        var changed = original
        changed.stream = "campaign:C2"
        #expect(changed.computedHash() != original.hash)
        changed = original
        changed.prevHash = SHA256Digest.of([1])
        #expect(changed.computedHash() != original.hash)
        changed = original
        changed.payload = try CanonicalJSON(["a": 2, "b": [true, nil, 0.5]])
        #expect(changed.computedHash() != original.hash)
    }

    @Test func digestRoundTripsThroughHexAndBytes() {
        let digest = SHA256Digest.of(Array("abc".utf8))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest(hex: digest.hex) == digest)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(SHA256Digest(hex: "xyz") == nil)
    }

    @Test(arguments: [
        (EventDraft(type: "", stream: "s", payload: [:]), "events[0].type"),
        (EventDraft(type: "9Lives", stream: "s", payload: [:]), "events[0].type"),
        (EventDraft(type: "T", version: 0, stream: "s", payload: [:]), "events[0].version"),
        (EventDraft(type: "T", stream: "", payload: [:]), "events[0].stream"),
        (EventDraft(type: "T", stream: "a\u{0}b", payload: [:]), "events[0].stream"),
        (EventDraft(type: "T", stream: String(repeating: "s", count: 257), payload: [:]), "events[0].stream"),
        (EventDraft(type: "T", stream: "s", payload: [:], idempotencyKey: ""), "events[0].idempotency_key"),
        (EventDraft(type: "T", stream: "s", payload: [1]), "events[0].payload"),
        (EventDraft(type: "T", stream: "s", payload: ["x": .double(.nan)]), "events[0].payload"),
    ])
    func invalidDraftsNameTheirField(draft: EventDraft, field: String) {
        do {
            _ = try draft.validated(position: 0)
            Issue.record("accepted an invalid \(field)")
        } catch let DialerCoreError.invalidField(named, _) {
            #expect(named == field)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
