import CLMDB
import DialerCore

/// The named LMDB databases of one log.
struct LogDatabases: Sendable {
    /// Names in opening order.
    static let names = ["events", "by_stream", "by_type", "by_time", "by_idempotency_key", "meta"]

    let events: MDB_dbi
    let byStream: MDB_dbi
    let byType: MDB_dbi
    let byTime: MDB_dbi
    let byIdempotencyKey: MDB_dbi
    let meta: MDB_dbi
    /// The views' databases; nil for a log opened read-only before any program kept views in it.
    var views: ViewDatabases?

    init(_ handles: [MDB_dbi]) {
        precondition(handles.count == Self.names.count)
        events = handles[0]
        byStream = handles[1]
        byType = handles[2]
        byTime = handles[3]
        byIdempotencyKey = handles[4]
        meta = handles[5]
    }
}

/// The databases of the maintained views. Each view's state (slot, version and checkpoint, its last folded
/// sequence) is the `view_state:NAME` entry of the environment's main database, whose page every append
/// writes anyway (it holds the named databases' records), so keeping checkpoints adds no page to a commit.
/// `views` is where programs before that kept the states: an entry there was written by such a program
/// after this one's last append, and is adopted (moved to the main database) by the next append. Each view
/// has two slots, `view:NAME:0` and `view:NAME:1`, one serving and one where `views rebuild` refolds it
/// before the two are swapped.
struct ViewDatabases: Sendable {
    /// Names in opening order.
    static let names = ["views"] + ViewCatalog.all.flatMap { ["view:\($0.name):0", "view:\($0.name):1"] }

    /// The main database, holding each view's `view_state:NAME`.
    let states: MDB_dbi
    /// `views`: states written by programs that kept them there.
    let olderStates: MDB_dbi
    /// Each view's two slots, by view name.
    let slots: [String: [MDB_dbi]]

    init(_ handles: [MDB_dbi], main: MDB_dbi) {
        precondition(handles.count == Self.names.count)
        states = main
        olderStates = handles[0]
        var slots: [String: [MDB_dbi]] = [:]
        for (index, projector) in ViewCatalog.all.enumerated() {
            slots[projector.name] = [handles[1 + 2 * index], handles[2 + 2 * index]]
        }
        self.slots = slots
    }
}

/// The marker that makes an LMDB environment a DialerLedger log, and its format version.
enum LogFormat {
    static let nameKey = Array("format".utf8)
    static let name = Array("dialer-ledger-log".utf8)
    static let versionKey = Array("format_version".utf8)
    /// The format this program writes and reads.
    static let version: UInt32 = 1
}
