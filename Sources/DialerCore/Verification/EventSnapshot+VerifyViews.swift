extension EventSnapshot {
    /// The first view whose rows, as a reader is served them, differ from a fresh fold of the log (each
    /// view folded in memory), as `verify` reports it; nil when every view agrees.
    public func viewProblem() throws -> LogProblem? {
        for projector in ViewCatalog.all {
            let served = try servedRows(projector)
            let fresh = OverlayRows()
            try fold(projector, after: 0, through: try lastSequence(), into: fresh)
            if let key = try served.firstDifference(from: fresh) {
                return LogProblem(
                    seq: nil,
                    reason:
                        "view \(projector.name) differs from a fresh fold of the log at key \(ViewKey.describe(key))")
            }
        }
        return nil
    }
}
