/// One view as a store keeps it: the projector version that folded it, the last sequence folded, its rows.
public struct StoredView {
    public var version: UInt32
    /// The last sequence folded into the rows.
    public var checkpoint: UInt64
    public var rows: any ViewRowReading

    /// A stored view with every field given.
    public init(version: UInt32, checkpoint: UInt64, rows: any ViewRowReading) {
        self.version = version
        self.checkpoint = checkpoint
        self.rows = rows
    }
}

/// Where a view stands in a store that keeps it: the slot serving it (of two, so `views rebuild` can refold
/// into the other), the projector version that folded it, and its checkpoint (the last sequence folded).
public struct ViewState: Equatable, Sendable {
    public var slot: Int
    public var version: UInt32
    public var checkpoint: UInt64

    /// A view no store has folded yet.
    public static let unfolded = ViewState(slot: 0, version: 0, checkpoint: 0)

    /// A state with every field given.
    public init(slot: Int, version: UInt32, checkpoint: UInt64) {
        self.slot = slot
        self.version = version
        self.checkpoint = checkpoint
    }

    /// Whether the rows must be emptied and folded again from seq 1 before `projector`'s view is caught up
    /// to `head`: another version of the projector folded them, or they claim events the log does not hold.
    public func mustRefold(_ projector: any ViewProjector, head: UInt64) -> Bool {
        version != projector.version || checkpoint > head
    }

    /// This state emptied for `projector`: its version, nothing folded, the same slot.
    public func emptied(for projector: any ViewProjector) -> ViewState {
        ViewState(slot: slot, version: projector.version, checkpoint: 0)
    }
}

extension EventSnapshot {
    /// The rows of `projector`'s view as of `throughSeq` (nil: the head). At the head the store's rows
    /// serve, with any events they have not folded yet (appended by a program that keeps no views) folded
    /// over them in memory; before the head, or when the store keeps no such view, the projector is
    /// folded from the log. Throws the view's recorded failure.
    public func viewRows(_ projector: any ViewProjector, throughSeq: UInt64? = nil) throws -> any ViewRowReading {
        let rows = try servedRows(projector, throughSeq: throughSeq)
        try ViewFailure.check(rows)
        return rows
    }

    /// The rows `viewRows` serves, with a recorded failure left in them (for checking a view).
    public func servedRows(_ projector: any ViewProjector, throughSeq: UInt64? = nil) throws -> any ViewRowReading {
        let head = try lastSequence()
        let through = min(throughSeq ?? head, head)
        var base: StoredView?
        if through == head, let stored = try storedView(projector.name), stored.version == projector.version,
            stored.checkpoint <= head
        {
            if stored.checkpoint == head { return stored.rows }
            base = stored
        }
        let rows = OverlayRows(over: base?.rows)
        try fold(projector, after: base?.checkpoint ?? 0, through: through, into: rows)
        return rows
    }

    /// Folds the events after `after` through `through` into `rows`: a short range read in order, a long
    /// one through the type indexes of the view's types (only those events are read).
    public func fold(_ projector: any ViewProjector, after: UInt64, through: UInt64, into rows: any ViewRows) throws {
        guard after < through else { return }
        if through - after <= 4_096 || projector.types.count > 32 {
            try scanInPlace(EventQuery(afterSeq: after, throughSeq: through)) { view in
                try projector.fold(view, into: rows)
                return true
            }
            return
        }
        var seqs: [UInt64] = []
        for type in projector.types {
            try scanInPlace(EventQuery(type: type, afterSeq: after, throughSeq: through)) { view in
                seqs.append(view.seq)
                return true
            }
        }
        for seq in seqs.sorted() {
            try envelope(at: seq)?.withView { try projector.fold($0, into: rows) }
        }
    }
}
