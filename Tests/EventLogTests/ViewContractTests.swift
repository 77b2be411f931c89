import DialerCore
import DialerTesting
import EventLog
import Foundation
import Synchronization
import Testing

/// Random events of the types the views read, with some they do not.
struct ViewEventMix {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    /// A batch of one to eight events.
    mutating func batch() -> [EventDraft] { (0...pick(8)).map { _ in event() } }

    mutating func event() -> EventDraft {
        let campaign = "C\(pick(3))"
        let job = "sched-\(campaign)-\(pick(4))"
        let stream = ScheduleEvent.stream(job)
        let start = Timestamp(milliseconds: 1_790_000_000_000)
        let report = "rpt-\(pick(5))"
        let run = "run:\(pick(5))"
        func draft(_ type: String, _ stream: String, _ payload: JSONValue) -> EventDraft {
            EventDraft(type: type, stream: stream, payload: payload)
        }
        switch pick(12) {
        case 0: return draft(ScheduleEvent.jobStarted, stream, ["job": .string(job), "campaign_id": .string(campaign)])
        case 1:
            let window = ScheduleWindow(
                campaignID: campaign, timeZone: "UTC", fireTime: start, start: start, end: start, clipped: false,
                contactIDs: ["c"])
            let plan = SchedulePlanned(
                job: job, campaignID: campaign, cron: "0 9 * * *", contactsSHA256: .zero, contactCount: 1,
                expected: 5, plannedAfter: start, windows: Array(repeating: window, count: 1 + pick(3)), outside: [])
            return draft(ScheduleEvent.windowsPlanned, stream, plan.json)
        case 2:
            let failed = pick(3) == 0
            let submission = ScheduleSubmission(
                job: job, key: "k\(pick(3))", timeZone: "UTC", start: start, scheduleID: failed ? nil : "s\(pick(9))",
                reason: failed ? "503" : nil)
            return draft(failed ? ScheduleEvent.submissionFailed : ScheduleEvent.submitted, stream, submission.json)
        case 3:
            let progress = CampaignProgress(
                job: job, campaignID: campaign, completed: Double(pick(20)) / 2, expected: 5)
            let types = [ScheduleEvent.analyticsSampled, ScheduleEvent.completed, ScheduleEvent.monitorTimedOut]
            return draft(types[pick(3)], stream, progress.json)
        case 4:
            return draft(
                ScheduleEvent.webhookRequested, stream,
                [
                    "job": .string(job), "delivery_id": .string("dlv_\(pick(3))"), "url": "https://hooks.example/x",
                    "body_sha256": .string(SHA256Digest.zero.hex), "body": ["event": "campaign.completed"],
                ])
        case 5:
            return draft(
                ScheduleEvent.webhookAttempted, stream,
                ["delivery_id": .string("dlv_\(pick(3))"), "attempt": 1, "status": 503, "duration_ms": 12])
        case 6:
            return draft(
                [ScheduleEvent.webhookDelivered, ScheduleEvent.webhookAbandoned][pick(2)], stream,
                ["delivery_id": .string("dlv_\(pick(3))"), "attempts": 2, "reason": "gave up"])
        case 7:
            return draft(ReportEvent.runStarted, run, ["campaigns": .array([.string(campaign), "C9"])])
        case 8:
            return draft(ReportEvent.generated, run, ["report_id": .string(report), "run_id": .string(run)])
        case 9:
            return draft(
                PublicationEvent.requested, run,
                ["report_id": .string(report), "recipients": .array([.string("ops\(pick(3))@example.com")])])
        default:
            return draft("IntervalDerived", "campaign:\(campaign)", ["n": .int(Int64(pick(100)))])
        }
    }
}

/// Each view of `snapshot` as served, against the same projector folded from seq 1: the first view and key
/// where they differ, or nil.
func viewDifference(_ snapshot: any EventSnapshot) throws -> String? {
    for projector in ViewCatalog.all {
        let fresh = OverlayRows()
        try snapshot.fold(projector, after: 0, through: try snapshot.lastSequence(), into: fresh)
        if let key = try snapshot.servedRows(projector).firstDifference(from: fresh) {
            return "\(projector.name) at \(ViewKey.describe(key))"
        }
    }
    return nil
}

/// Expects every view of `store` kept through the log's head and equal to a fresh fold of the log.
func expectViewsKeptThroughTheHead(
    _ store: any EventStore, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    try await store.withSnapshot { (snapshot: any EventSnapshot) throws in
        let head = try snapshot.lastSequence()
        for projector in ViewCatalog.all {
            let checkpoint = try snapshot.storedView(projector.name)?.checkpoint
            #expect(checkpoint == head, "\(projector.name) \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
        }
        #expect(try viewDifference(snapshot) == nil, comment, sourceLocation: sourceLocation)
    }
}

/// A snapshot whose store kept its views only through `checkpoint` (as when a program that keeps no views
/// appended the rest).
private struct LaggingSnapshot: EventSnapshot {
    let base: any EventSnapshot
    let checkpoint: UInt64

    func lastSequence() throws -> UInt64 { try base.lastSequence() }
    func envelope(at seq: UInt64) throws -> Envelope? { try base.envelope(at: seq) }
    func scanInPlace(_ query: EventQuery, _ visit: (EnvelopeView) throws -> Bool) throws {
        try base.scanInPlace(query, visit)
    }
    func lastSequence(recordedAtOrBefore instant: Timestamp) throws -> UInt64 {
        try base.lastSequence(recordedAtOrBefore: instant)
    }
    func sequence(forIdempotencyKey key: String) throws -> UInt64? { try base.sequence(forIdempotencyKey: key) }
    func storedView(_ name: String) throws -> StoredView? {
        guard let projector = ViewCatalog.projector(named: name) else { return nil }
        let rows = OverlayRows()
        try base.fold(projector, after: 0, through: checkpoint, into: rows)
        return StoredView(version: projector.version, checkpoint: checkpoint, rows: rows)
    }
}

@Suite struct ViewContractTests {
    @Test(arguments: StoreKind.allCases)
    func viewsKeptInTheAppendsEqualAFreshFold(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            var mix = ViewEventMix(seed: 7)
            for round in 0..<60 {
                _ = try await store.append(mix.batch())
                guard round % 10 == 9 else { continue }
                try await expectViewsKeptThroughTheHead(store, "round \(round)")
            }
            let rows = try await store.withSnapshot { try AuditTrail.read($0) }
            #expect(rows.count > 20, "the mix made audit rows")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchOfManyChunksIsFoldedAsSmallBatchesAre(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            var mix = ViewEventMix(seed: 11)
            _ = try await store.append(mix.batch())
            _ = try await store.append((0..<3_000).map { _ in mix.event() })
            try await store.withSnapshot { snapshot in
                let head = try snapshot.lastSequence()
                #expect(head > 3_000)
                for projector in ViewCatalog.all {
                    #expect(try snapshot.storedView(projector.name)?.checkpoint == head)
                }
                #expect(try viewDifference(snapshot) == nil)
                #expect(try AuditTrail.read(snapshot).count > 500, "the batch made audit rows")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aViewBehindTheLogIsServedWithTheRestFoldedOverIt(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            var mix = ViewEventMix(seed: 11)
            for _ in 0..<30 { _ = try await store.append(mix.batch()) }
            try await store.withSnapshot { snapshot in
                let head = try snapshot.lastSequence()
                for checkpoint in [0, head / 3, head - 1] {
                    let lagging = LaggingSnapshot(base: snapshot, checkpoint: checkpoint)
                    for projector in ViewCatalog.all {
                        let served = try lagging.viewRows(projector)
                        #expect(try served.firstDifference(from: try snapshot.viewRows(projector)) == nil)
                    }
                    #expect(
                        try CompletionProjection.read(lagging, throughSeq: head).campaigns
                            == CompletionProjection.read(snapshot, throughSeq: head).campaigns)
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func asOfReadsAnswerAsTheLogDidThen(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            try await kind.withStore(clock: ManualClock()) { prefixStore in
                var mix = ViewEventMix(seed: 3)
                for round in 0..<40 {
                    let batch = mix.batch()
                    _ = try await store.append(batch)
                    if round < 25 { _ = try await prefixStore.append(batch) }
                }
                let point = try await prefixStore.lastSequence()
                let asOf = try await store.withSnapshot {
                    try CompletionProjection.read($0, throughSeq: point).campaigns
                }
                let then = try await prefixStore.withSnapshot {
                    try CompletionProjection.read($0, throughSeq: point).campaigns
                }
                #expect(asOf == then)
                #expect(!asOf.isEmpty)
                for report in (0..<5).map({ "rpt-\($0)" }) {
                    let seqAsOf = try await store.withSnapshot {
                        try ReportDirectory.generatedSeq(report, snapshot: $0, throughSeq: point)
                    }
                    let seqThen = try await prefixStore.withSnapshot {
                        try ReportDirectory.generatedSeq(report, snapshot: $0, throughSeq: point)
                    }
                    #expect(seqAsOf == seqThen, "\(report)")
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func auditPagesByCampaignTypeAndTimeAreTheRowsAFilterKeeps(kind: StoreKind) async throws {
        let clock = ManualClock()
        try await kind.withStore(clock: clock) { store in
            var mix = ViewEventMix(seed: 5)
            for _ in 0..<50 {
                _ = try await store.append(mix.batch())
                clock.advance(milliseconds: 1_000)
            }
            let all = try await store.withSnapshot { try AuditTrail.read($0) }
            let start = clock.now().milliseconds - 50_000
            for campaign in [nil, "C0", "C9"] {
                for type in [nil, ScheduleEvent.submitted, PublicationEvent.requested] {
                    for (from, to) in [(nil, nil), (start + 10_000, start + 30_000), (start + 49_000, nil)]
                        as [(Int64?, Int64?)]
                    {
                        var filter = AuditTrail.Filter()
                        filter.campaign = campaign
                        filter.type = type
                        filter.from = from.map(Timestamp.init(milliseconds:))
                        filter.to = to.map(Timestamp.init(milliseconds:))
                        filter.afterSeq = 5
                        let expected = all.filter { row in
                            row.seq > 5 && (campaign.map { row.campaigns.contains($0) } ?? true)
                                && (type.map { row.type == $0 } ?? true)
                                && (from.map { row.at.milliseconds >= $0 } ?? true)
                                && (to.map { row.at.milliseconds < $0 } ?? true)
                        }
                        let page = try await store.withSnapshot { [filter] in
                            try AuditTrail.read($0, filter: filter, limit: 7)
                        }
                        #expect(
                            page == Array(expected.prefix(7)),
                            "\(String(describing: campaign)) \(String(describing: type))"
                        )
                    }
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anEventAViewCannotFoldIsItsFailureAsAFoldFromTheLogWouldBe(kind: StoreKind) async throws {
        try await kind.withStore(clock: ManualClock()) { store in
            var mix = ViewEventMix(seed: 9)
            _ = try await store.append(mix.batch())
            _ = try await store.append([
                EventDraft(type: ScheduleEvent.submitted, stream: "schedule:x", payload: ["job": 1])
            ])
            _ = try await store.append(mix.batch())
            let failure = try await store.withSnapshot { snapshot in
                #expect(throws: DialerCoreError.self) { try AuditTrail.read(snapshot) }
                #expect(throws: DialerCoreError.self) { try CompletionProjection.read(snapshot, throughSeq: .max) }
                return try viewDifference(snapshot)
            }
            #expect(failure == nil, "the failure is recorded as a fold records it")
        }
    }
}

/// Rebuilds view `name` of `store` ten events per transaction, expecting it to name `key` as where the kept
/// rows differed, to report its progress from 0 up to the head, and to leave a sound log.
func expectRebuildMends(_ store: any StoredLog, _ name: String, differingAt key: [UInt8]) async throws {
    let heard = Mutex<[UInt64]>([])
    let rebuilt = try await store.rebuildView(name, batchSize: 10) { folded, _ in heard.withLock { $0.append(folded) } }
    let head = try await store.lastSequence()
    #expect(rebuilt == ViewRebuild(view: name, throughSeq: head, firstDifference: ViewKey.describe(key)))
    #expect(heard.withLock { $0 } == Array(stride(from: 0, through: head, by: 10)) + (head % 10 == 0 ? [] : [head]))
    #expect(try await store.verify().problem == nil)
}
