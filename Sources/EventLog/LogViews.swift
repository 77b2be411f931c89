import CLMDB
import DialerCore

/// The maintained views of an LMDB log, inside its write transactions: each view's rows and checkpoint
/// change in the transaction that appends the events they come from, and a view found behind the log
/// (events appended by a program that keeps no views) or folded by another version is caught up there first.
enum LogViews {
    /// View `name`'s state: one an older program left in `views` if any (it appended after this program),
    /// else its entry in the main database. `olderPresent: false` (the caller found `views` empty) skips
    /// looking in `views`.
    static func meta(
        _ txn: borrowing some LMDBReading & ~Copyable, _ dbs: ViewDatabases, _ name: String, olderPresent: Bool = true
    ) throws -> ViewState? {
        if olderPresent {
            let older = try txn.withValue(dbs.olderStates, key: Array(name.utf8)) {
                $0.flatMap(ViewState.init(stored:))
            }
            if let older { return older }
        }
        return try txn.withValue(dbs.states, key: stateKey(name)) { $0.flatMap(ViewState.init(stored:)) }
    }

    /// Records view `name`'s state in the main database, taking over any state an older program left (none
    /// to take over when `olderPresent` is false).
    static func putMeta(
        _ txn: borrowing LMDBWriteTransaction, _ dbs: ViewDatabases, _ name: String, _ meta: ViewState,
        olderPresent: Bool = true
    ) throws {
        try txn.put(dbs.states, key: stateKey(name), value: meta.stored)
        if olderPresent { try txn.delete(dbs.olderStates, key: Array(name.utf8)) }
    }

    /// View `name`'s key in the main database (named databases are `view:NAME:SLOT`, so the two never meet);
    /// made once for the catalogue's views.
    static func stateKey(_ name: String) -> [UInt8] { stateKeys[name] ?? Array("view_state:\(name)".utf8) }

    private static let stateKeys = Dictionary(
        uniqueKeysWithValues: ViewCatalog.all.map { ($0.name, Array("view_state:\($0.name)".utf8)) })

    /// Rows of slot `slot` of `name`, open for the length of `body`.
    static func withRows<R>(
        _ txn: OpaquePointer, _ dbs: ViewDatabases, _ name: String, slot: Int, writable: Bool,
        _ body: (LMDBViewRows) throws -> R
    ) throws -> R {
        let rows = LMDBViewRows(txn: txn, dbi: dbs.slots[name]![slot], writable: writable)
        defer { rows.close() }
        return try body(rows)
    }

    /// Folds into `projector`'s view the events after `after` through `through`, reading them in `txn`.
    static func fold(
        _ projector: any ViewProjector, after: UInt64, through: UInt64, _ txn: borrowing LMDBWriteTransaction,
        _ dbs: LogDatabases, slot: Int
    ) throws {
        guard after < through, let views = dbs.views else { return }
        let snapshot = LMDBSnapshot(txn: txn.txn, databases: dbs)
        defer { snapshot.close() }
        try withRows(txn.txn, views, projector.name, slot: slot, writable: true) { rows in
            try snapshot.fold(projector, after: after, through: through, into: rows)
        }
    }

    /// Every view's state as an append found it, in `ViewCatalog.all`'s order, read once per append.
    struct AppendStates {
        let states: [ViewState]
        /// Whether `views` holds states an older program left (to be taken over when the states are put).
        let olderPresent: Bool
    }

    /// Brings every view to `head` before a batch is appended: a view without a record, or folded by another
    /// version of its projector, is emptied and folded from seq 1; one behind the log folds the rest.
    /// Returns the states, for `foldAppended`, which records them; nil when the log keeps no views.
    static func catchUp(_ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases, head: UInt64) throws
        -> AppendStates?
    {
        guard let views = dbs.views else { return nil }
        let olderPresent = try txn.count(views.olderStates) > 0
        var states: [ViewState] = []
        states.reserveCapacity(ViewCatalog.all.count)
        for projector in ViewCatalog.all {
            var meta = try meta(txn, views, projector.name, olderPresent: olderPresent) ?? .unfolded
            if meta.version != projector.version || meta.checkpoint != head {
                if meta.mustRefold(projector, head: head) {
                    try txn.clear(views.slots[projector.name]![meta.slot])
                    meta = meta.emptied(for: projector)
                }
                try fold(projector, after: meta.checkpoint, through: head, txn, dbs, slot: meta.slot)
                meta.checkpoint = head
            }
            states.append(meta)
        }
        return AppendStates(states: states, olderPresent: olderPresent)
    }

    /// Folds a batch just stored into every view and records each one's state, `states` (from `catchUp`)
    /// with the checkpoint at `head`: only the events `folded` names (those of a type some view reads) are
    /// read back.
    static func foldAppended(
        seqs folded: [UInt64], states: AppendStates?, _ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases,
        head: UInt64
    ) throws {
        guard let views = dbs.views, let states else { return }
        for (index, projector) in ViewCatalog.all.enumerated() {
            var meta = states.states[index]
            if !folded.isEmpty {
                try withRows(txn.txn, views, projector.name, slot: meta.slot, writable: true) { rows in
                    for seq in folded {
                        var interner = StringInterner?.none
                        try txn.withValue(dbs.events, key: IndexKey.seq(seq)) { raw in
                            guard let raw else { return }
                            try projector.fold(try EnvelopeRecord.view(raw, seq: seq, interner: &interner), into: rows)
                        }
                    }
                }
            }
            meta.checkpoint = head
            try putMeta(txn, views, projector.name, meta, olderPresent: states.olderPresent)
        }
    }

    /// Brings every view to `head` and records their states, outside an append.
    static func catchUpAndRecord(_ txn: borrowing LMDBWriteTransaction, _ dbs: LogDatabases, head: UInt64) throws {
        try foldAppended(seqs: [], states: try catchUp(txn, dbs, head: head), txn, dbs, head: head)
    }
}

extension ViewState {
    /// A view's state as stored: slot (1 byte), version (4), checkpoint (8), big-endian.
    init?(stored bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 13, bytes[0] < 2 else { return nil }
        self.init(
            slot: Int(bytes[0]), version: bytes[1..<5].reduce(0) { $0 << 8 | UInt32($1) },
            checkpoint: bytes[5..<13].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// This state as stored.
    var stored: [UInt8] {
        var bytes = [UInt8(slot)]
        bytes.reserveCapacity(13)
        withUnsafeBytes(of: version.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: checkpoint.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
