import DialerCore
import DialerTesting
import Foundation
import Testing

@testable import EventLog

/// The LMDB log's views across programs: appends by a program that keeps no views, a log from before
/// views, a damaged view row, and `rebuildView`.
@Suite struct LMDBViewTests {
    /// Every view's meta record and rows, read past the log's API.
    private func viewState(_ store: LMDBEventStore) throws -> [String: ([UInt8], [[UInt8]: [UInt8]])] {
        let views = try #require(store.databases.views)
        return try store.environment.read { txn in
            var state: [String: ([UInt8], [[UInt8]: [UInt8]])] = [:]
            for projector in ViewCatalog.all {
                let meta = try txn.withValue(views.states, key: LogViews.stateKey(projector.name)) { Array($0!) }
                let slot = ViewState(stored: meta.withUnsafeBytes { $0 })!.slot
                var rows: [[UInt8]: [UInt8]] = [:]
                try LogViews.withRows(txn.txn, views, projector.name, slot: slot, writable: false) { reader in
                    try reader.scan(ViewKeyRange(from: [], upTo: nil), descending: false) { key, value in
                        rows[key] = value
                        return true
                    }
                }
                state[projector.name] = (meta, rows)
            }
            return state
        }
    }

    /// Puts every view back as `state` held it, as if the events since were appended by a program that keeps
    /// no views.
    private func restore(_ state: [String: ([UInt8], [[UInt8]: [UInt8]])], in store: LMDBEventStore) throws {
        let views = try #require(store.databases.views)
        try store.environment.write { txn in
            for (name, (meta, rows)) in state {
                let slot = ViewState(stored: meta.withUnsafeBytes { $0 })!.slot
                try txn.clear(views.slots[name]![slot])
                for (key, value) in rows { try txn.put(views.slots[name]![slot], key: key, value: value) }
                try txn.put(views.states, key: LogViews.stateKey(name), value: meta)
            }
        }
    }

    /// A new log in a temporary folder holding `batches` random batches of `ViewEventMix(seed:)`, and the mix.
    private func log(batches: Int, seed: UInt64) async throws -> (TemporaryFolder, LMDBEventStore, ViewEventMix) {
        let folder = try TemporaryFolder()
        let store = try LMDBEventStore(path: folder.appending("log"))
        var mix = ViewEventMix(seed: seed)
        for _ in 0..<batches { _ = try await store.append(mix.batch()) }
        return (folder, store, mix)
    }

    @Test func appendsByAProgramWithoutViewsAreFoldedByReadersAndCaughtUpByTheNextAppend() async throws {
        var (folder, store, mix) = try await log(batches: 20, seed: 21)
        defer { folder.remove() }
        let before = try viewState(store)
        for _ in 0..<20 { _ = try await store.append(mix.batch()) }
        try restore(before, in: store)
        let reader = try LMDBEventStore(path: folder.appending("log"), access: .readOnly)
        try await reader.withSnapshot { snapshot in
            let head = try snapshot.lastSequence()
            #expect(try snapshot.storedView("audit")!.checkpoint < head, "the view is behind")
            #expect(try viewDifference(snapshot) == nil)
        }
        _ = try await store.append(mix.batch())
        try await expectViewsKeptThroughTheHead(store)
        #expect(try await store.verify().problem == nil)
    }

    @Test func aStateAnOlderProgramLeftInTheViewsDatabaseIsAdoptedNotFoldedAgain() async throws {
        var (folder, store, mix) = try await log(batches: 20, seed: 13)
        defer { folder.remove() }
        let views = try #require(store.databases.views)
        let before = try viewState(store)
        for _ in 0..<20 { _ = try await store.append(mix.batch()) }
        // As if a program that keeps the states in `views` made the last 20 appends: the rows are folded to
        // the head, its state in `views` says so, and the main database still holds the state from before.
        let current = try viewState(store)
        try store.environment.write { txn in
            for (name, (meta, _)) in current {
                try txn.put(views.olderStates, key: Array(name.utf8), value: meta)
                try txn.put(views.states, key: LogViews.stateKey(name), value: before[name]!.0)
            }
        }
        try await store.withSnapshot { (snapshot: any EventSnapshot) throws in
            #expect(try viewDifference(snapshot) == nil, "readers are served the rows the older program folded")
        }
        _ = try await store.append(mix.batch())
        try await expectViewsKeptThroughTheHead(store)
        let olderLeft = try store.environment.read { txn in try txn.count(views.olderStates) }
        #expect(olderLeft == 0, "the adopted states are moved out of `views`")
        #expect(try await store.verify().problem == nil)
    }

    @Test func aLogFromBeforeViewsIsServedFromTheLogAndGetsItsViewsOnItsFirstAppend() async throws {
        var (folder, store, mix) = try await log(batches: 25, seed: 4)
        defer { folder.remove() }
        let views = try #require(store.databases.views)
        try store.environment.write { txn in
            for projector in ViewCatalog.all {
                _ = try txn.delete(views.states, key: LogViews.stateKey(projector.name))
            }
            for slots in views.slots.values { for dbi in slots { try txn.clear(dbi) } }
        }
        try await store.withSnapshot { (snapshot: any EventSnapshot) throws in
            #expect(try snapshot.storedView("audit") == nil)
            #expect(try viewDifference(snapshot) == nil)
            #expect(try !AuditTrail.read(snapshot).isEmpty)
        }
        _ = try await store.append(mix.batch())
        try await expectViewsKeptThroughTheHead(store)
    }

    @Test func verifyNamesADamagedViewRowAndRebuildingMendsIt() async throws {
        let (folder, store, _) = try await log(batches: 30, seed: 8)
        defer { folder.remove() }
        #expect(try await store.rebuildView("audit").firstDifference == nil)
        var state = try viewState(store)
        let key = try #require(state["audit"]!.1.keys.first { $0.starts(with: Array("row/".utf8)) })
        state["audit"]!.1[key] = Array("{}".utf8)
        try restore(state, in: store)
        let problem = try #require(try await store.verify().problem)
        #expect(problem.reason == "view audit differs from a fresh fold of the log at key \(ViewKey.describe(key))")
        try await expectRebuildMends(store, "audit", differingAt: key)
        #expect(try await store.rebuildView("audit").firstDifference == nil)
    }
}
