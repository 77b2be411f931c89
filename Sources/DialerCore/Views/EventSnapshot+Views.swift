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
