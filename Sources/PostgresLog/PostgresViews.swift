import DialerCore
import PostgresNIO

/// The maintained views of a PostgreSQL log inside a write transaction, run synchronously on one of the
/// store's own threads (each read blocks it on the server's reply): each view's rows (`view_rows`) and
/// state (`view_state`: the slot serving it, the projector version that folded it, its checkpoint) change
/// in the transaction that appends the events they come from. A view found behind the log, or folded by
/// another version of its projector, is caught up (or emptied and refolded) there first.
struct PostgresViews {
    let connection: PostgresConnection
    let logger: Logger
    /// How many events a catch-up folds before it writes their rows: bounds what it holds in memory.
    static let foldChunk: UInt64 = 4_096
    /// How many events one transaction folds at most to catch a view up: the head row stays locked meanwhile
    /// (and a fold reads its rows key by key from the server), so this bounds other writers' wait for it to
    /// well under their lock timeout. A view further behind is caught up over the next appends (or by `views
    /// rebuild`, which folds outside the head's lock), and readers fold what it has not yet folded.
    static let catchUpLimit: UInt64 = 1_024

    private func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try connection.rowsFuture(query, logger: logger).wait()
    }

    /// The state of every view that has one.
    func states() throws -> [String: ViewState] {
        var states: [String: ViewState] = [:]
        for row in try query("SELECT name, slot, version, checkpoint FROM dialer_ledger.view_state") {
            let (name, slot, version, checkpoint) = try row.decode((String, Int32, Int64, Int64).self)
            states[name] = ViewState(
                slot: Int(slot), version: UInt32(clamping: version), checkpoint: UInt64(checkpoint))
        }
        return states
    }

    /// Brings every view towards `head` (the log's head before `appended`), at most `catchUpLimit` events;
    /// each view that reached it has `appended` (stored after it in this transaction) folded in and its
    /// checkpoint moved past them.
    func keep(head: UInt64, appended: [Envelope]) throws {
        var states = try self.states()
        let snapshot = PostgresSnapshot(connection: connection, logger: logger)
        defer { snapshot.close() }
        var changes: [(view: String, slot: Int, rows: OverlayRows)] = []
        for projector in ViewCatalog.all {
            var state = try caughtUp(projector, states[projector.name], towards: head, snapshot)
            let events = appended.filter { projector.types.contains($0.type) }
            if state.checkpoint == head {
                if !events.isEmpty {
                    let rows = OverlayRows(over: rows(projector.name, state.slot))
                    for event in events { try event.withView { try projector.fold($0, into: rows) } }
                    changes.append((projector.name, state.slot, rows))
                }
                state.checkpoint = appended.last?.seq ?? head
            }
            states[projector.name] = state
        }
        try write(changes)
        try write(states.filter { name, _ in ViewCatalog.projector(named: name) != nil })
    }

    /// `projector`'s view brought from `state` (none: from seq 1) towards `head`, at most `catchUpLimit`
    /// events, its rows written; emptied first when another version folded it or it claims events the log
    /// does not hold.
    private func caughtUp(
        _ projector: any ViewProjector, _ state: ViewState?, towards head: UInt64, _ snapshot: PostgresSnapshot
    )
        throws -> ViewState
    {
        var state = state ?? .unfolded
        if state.mustRefold(projector, head: head) {
            try clear(projector.name, slot: state.slot)
            state = state.emptied(for: projector)
        }
        let through = min(head, state.checkpoint + Self.catchUpLimit)
        try fold(projector, after: state.checkpoint, through: through, slot: state.slot, snapshot)
        state.checkpoint = through
        return state
    }

    /// Folds the events after `after` through `through` from the log into slot `slot` of `projector`'s view,
    /// `foldChunk` events at a time, writing each chunk's rows.
    func fold(
        _ projector: any ViewProjector, after: UInt64, through: UInt64, slot: Int, _ snapshot: PostgresSnapshot
    ) throws {
        var folded = after
        while folded < through {
            let end = min(through, folded + Self.foldChunk)
            let rows = OverlayRows(over: rows(projector.name, slot))
            try snapshot.fold(projector, after: folded, through: end, into: rows)
            try write([(projector.name, slot, rows)])
            folded = end
        }
    }

    /// Slot `slot` of view `name`, read in this transaction.
    func rows(_ name: String, _ slot: Int) -> PostgresViewRows {
        PostgresViewRows(view: name, slot: Int32(slot), connection: connection, logger: logger)
    }

    /// Deletes every row of slot `slot` of view `name`.
    func clear(_ name: String, slot: Int) throws {
        _ = try query("DELETE FROM dialer_ledger.view_rows WHERE view = \(name) AND slot = \(Int32(slot))")
    }

    /// Writes the changes of the overlays: the rows put in one statement, the rows deleted in another.
    func write(_ changes: [(view: String, slot: Int, rows: OverlayRows)]) throws {
        var put: (views: [String], slots: [Int32], keys: [ByteBuffer], values: [ByteBuffer]) = ([], [], [], [])
        var gone: (views: [String], slots: [Int32], keys: [ByteBuffer]) = ([], [], [])
        for (view, slot, rows) in changes {
            for (key, value) in rows.changes {
                if let value {
                    put.views.append(view)
                    put.slots.append(Int32(slot))
                    put.keys.append(ByteBuffer(bytes: key))
                    put.values.append(ByteBuffer(bytes: value))
                } else {
                    gone.views.append(view)
                    gone.slots.append(Int32(slot))
                    gone.keys.append(ByteBuffer(bytes: key))
                }
            }
        }
        if !put.keys.isEmpty {
            _ = try query(
                """
                INSERT INTO dialer_ledger.view_rows (view, slot, key, value)
                SELECT * FROM unnest(\(put.views)::text[], \(put.slots)::integer[], \(put.keys)::bytea[], \(put.values)::bytea[])
                ON CONFLICT (view, slot, key) DO UPDATE SET value = excluded.value
                """)
        }
        if !gone.keys.isEmpty {
            _ = try query(
                """
                DELETE FROM dialer_ledger.view_rows r
                USING unnest(\(gone.views)::text[], \(gone.slots)::integer[], \(gone.keys)::bytea[]) AS gone (view, slot, key)
                WHERE r.view = gone.view AND r.slot = gone.slot AND r.key = gone.key
                """)
        }
    }

    /// Records `states` in one statement.
    func write(_ states: [String: ViewState]) throws {
        guard !states.isEmpty else { return }
        let entries = states.sorted { $0.key < $1.key }
        _ = try query(
            """
            INSERT INTO dialer_ledger.view_state (name, slot, version, checkpoint)
            SELECT * FROM unnest(\(entries.map(\.key))::text[], \(entries.map { Int32($0.value.slot) })::integer[],
                \(entries.map { Int64($0.value.version) })::bigint[], \(entries.map { Int64($0.value.checkpoint) })::bigint[])
            ON CONFLICT (name) DO UPDATE SET slot = excluded.slot, version = excluded.version, checkpoint = excluded.checkpoint
            """)
    }
}
