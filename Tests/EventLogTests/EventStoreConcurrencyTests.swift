import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// The contract's concurrent part: many tasks appending and reading at once, scans in pages, cancelled
/// scans; run against the LMDB log and the in-memory twin.
@Suite struct EventStoreConcurrencyTests {
    private static func draft(writer: Int, batch: Int, index: Int) -> EventDraft {
        EventDraft(
            type: "IntervalDerived", stream: "campaign:C\(writer)",
            payload: ["w": .int(Int64(writer)), "b": .int(Int64(batch)), "i": .int(Int64(index))],
            // Every writer repeats the others' keys, so keys race across tasks.
            idempotencyKey: index == 0 ? "batch-\(batch)" : nil)
    }

    @Test(arguments: StoreKind.allCases)
    func manyTasksAppendAndReadAtOnceAndEveryAcknowledgedAppendIsThereOnce(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            let (acknowledged, problems) = try await withThrowingTaskGroup(of: ([AppendResult], [String]).self) {
                group in
                for writer in 0..<6 {
                    group.addTask {
                        var results: [AppendResult] = []
                        for batch in 0..<15 {
                            results += try await store.append(
                                (0..<3).map { Self.draft(writer: writer, batch: batch, index: $0) })
                        }
                        return (results, [])
                    }
                }
                for _ in 0..<6 {
                    group.addTask {
                        var problems: [String] = []
                        for _ in 0..<15 {
                            // Each read sees one consistent log: gap-free, chained, and as long as its head.
                            let problem = try await store.withSnapshot { snapshot -> String? in
                                let last = try snapshot.lastSequence()
                                var expected: UInt64 = 1
                                var previous = SHA256Digest.zero
                                var problem: String?
                                try snapshot.scan(EventQuery()) { event in
                                    if event.seq != expected || event.prevHash != previous {
                                        problem = "seq \(event.seq) after \(expected - 1) breaks the chain"
                                    }
                                    expected += 1
                                    previous = event.hash
                                    return problem == nil
                                }
                                return problem ?? (expected - 1 == last ? nil : "head \(last), read \(expected - 1)")
                            }
                            if let problem { problems.append(problem) }
                        }
                        return ([], problems)
                    }
                }
                return try await group.reduce(into: ([AppendResult](), [String]())) {
                    $0.0 += $1.0
                    $0.1 += $1.1
                }
            }
            #expect(problems == [])
            let events = try await store.events()
            #expect(events.map(\.seq) == Array(1...UInt64(events.count)))
            let appended = acknowledged.compactMap { if case .appended(let e) = $0 { e } else { nil } }
            #expect(appended.map(\.seq).sorted() == events.map(\.seq))
            #expect(Set(appended.map(\.id)) == Set(events.map(\.id)))
            // 6 × 15 × 3 drafts, of which each batch's first carries a key shared by all six writers.
            #expect(events.count == 6 * 15 * 2 + 15)
            for result in acknowledged { #expect(result.seq >= 1 && result.seq <= UInt64(events.count)) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func scansInPagesUpToTheHeadWhenTheScanStarted(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append((0..<25).map { Self.draft(writer: $0 % 2, batch: 0, index: $0 + 1) })
            var seen: [UInt64] = []
            for try await event in store.envelopes(EventQuery(stream: "campaign:C1"), pageSize: 4) {
                seen.append(event.seq)
                // Appends made during the scan are past its end.
                if seen.count == 2 { _ = try await store.append([Self.draft(writer: 1, batch: 1, index: 1)]) }
            }
            #expect(seen == Array(stride(from: 2, through: 24, by: 2)))
            var newest: [UInt64] = []
            for try await event in store.envelopes(EventQuery(afterSeq: 20, newestFirst: true, limit: 5), pageSize: 2) {
                newest.append(event.seq)
            }
            #expect(newest == [26, 25, 24, 23, 22])
            let all = try await store.envelopes(pageSize: 7).reduce(into: [UInt64]()) { $0.append($1.seq) }
            #expect(all == Array(1...26))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledScanStopsAndTheStoreGoesOn(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            _ = try await store.append((0..<100).map { Self.draft(writer: 0, batch: 0, index: $0 + 1) })
            let scan = Task {
                var count = 0
                do {
                    for try await _ in store.envelopes(pageSize: 10) {
                        count += 1
                        if count == 15 { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                } catch is CancellationError {
                    return count
                }
                return -count
            }
            // The page already read is handed out; the next page is not read.
            #expect(try await scan.value == 20)
            #expect(try await store.append([Self.draft(writer: 0, batch: 1, index: 1)]).map(\.seq) == [101])
            #expect(try await store.events().count == 101)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledTaskAppendsNothing(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            let append = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await store.append([Self.draft(writer: 0, batch: 0, index: 1)])
            }
            await #expect(throws: CancellationError.self) { try await append.value }
            let last = try await store.lastSequence()
            #expect(last == 0)
        }
    }
}
