import DialerCore
import DialerTesting
import Testing

/// `waitForAppends(after:)` on every store: at once when the head is past the sequence, woken by an append
/// through the store, and ended by cancellation.
@Suite struct AppendWaitContractTests {
    private static func draft(_ n: Int) -> EventDraft {
        EventDraft(type: "IntervalDerived", stream: "campaign:C1", payload: ["n": .int(Int64(n))])
    }

    @Test(arguments: StoreKind.allCases)
    func aWaitReturnsTheHeadOnceAnAppendPassesIt(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append([Self.draft(1), Self.draft(2)])
            #expect(try await store.waitForAppends(after: 1) == 2, "the head is past 1 already")
            let waiting = Task { try await store.waitForAppends(after: 2) }
            _ = try await store.append([Self.draft(3)])
            #expect(try await waiting.value == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledWaitThrowsCancellation(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            let waiting = Task { try await store.waitForAppends(after: 0) }
            waiting.cancel()
            let outcome = await waiting.result
            #expect(throws: CancellationError.self) { try outcome.get() }
        }
    }
}
