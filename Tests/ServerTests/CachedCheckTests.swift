import DialerCore
import DialerTesting
import Synchronization
import Testing

@testable import Server

/// `/readyz`'s CXone check: a success is reused for 30 s, a failure for 5 s, and probes at once share one check.
@Suite struct CachedCheckTests {
    /// A check that counts its runs and answers what `answers` holds.
    private final class Probe: Sendable {
        let runs = Mutex(0)
        let ok = Mutex(true)
        func run() -> CachedCheck.Outcome {
            runs.withLock { $0 += 1 }
            return ok.withLock { $0 } ? (true, "fine") : (false, "down")
        }
        var count: Int { runs.withLock { $0 } }
    }

    @Test func aSuccessIsReusedForThirtySecondsAFailureForFive() async {
        let clock = ManualClock()
        let probe = Probe()
        let check = CachedCheck(now: clock.closure) { probe.run() }
        #expect(await check.outcome() == (true, "fine"))
        clock.advance(milliseconds: 29_999)
        #expect(await check.outcome().ok && probe.count == 1)
        clock.advance(milliseconds: 1)
        probe.ok.withLock { $0 = false }
        #expect(await check.outcome() == (false, "down") && probe.count == 2)
        clock.advance(milliseconds: 4_999)
        #expect(await check.outcome() == (false, "down") && probe.count == 2)
        probe.ok.withLock { $0 = true }
        clock.advance(milliseconds: 1)
        #expect(await check.outcome() == (true, "fine") && probe.count == 3)
    }

    @Test func concurrentProbesShareOneCheck() async {
        let (started, starting) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let runs = Mutex(0)
        let check = CachedCheck(now: ManualClock().closure) {
            runs.withLock { $0 += 1 }
            starting.yield()
            for await _ in release { break }
            return (true, "fine")
        }
        async let first = check.outcome()
        for await _ in started { break }
        async let second = check.outcome()
        async let third = check.outcome()
        releasing.yield()
        let outcomes = await [first, second, third]
        #expect(outcomes.allSatisfy { $0 == (true, "fine") })
        #expect(runs.withLock { $0 } == 1)
    }
}
