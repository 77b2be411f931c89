/// What `views rebuild` did to one view.
public struct ViewRebuild: Sendable, Equatable {
    /// The view's name.
    public var view: String
    /// The sequence it was refolded through.
    public var throughSeq: UInt64
    /// The first key where the refolded rows differed from the maintained ones (as `ViewKey.describe`
    /// shows it), or nil when they were equal.
    public var firstDifference: String?

    /// What a rebuild of `view` through `throughSeq` found.
    public init(view: String, throughSeq: UInt64, firstDifference: String?) {
        self.view = view
        self.throughSeq = throughSeq
        self.firstDifference = firstDifference
    }
}
