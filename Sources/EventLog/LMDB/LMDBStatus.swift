import CLMDB

/// A failed `mdb_*` call: the operation and LMDB's return code.
struct LMDBStatus: Error, CustomStringConvertible {
    let code: Int32
    let operation: String

    var description: String { "\(operation): \(String(cString: mdb_strerror(code)))" }

    var isMapFull: Bool { code == MDB_MAP_FULL }
    var isMapResized: Bool { code == MDB_MAP_RESIZED }
    /// LMDB found its own structures inconsistent: a damaged page or tree.
    var isDamage: Bool { code == MDB_CORRUPTED || code == MDB_PAGE_NOTFOUND || code == MDB_INCOMPATIBLE }

    /// Throws for any code other than success.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBStatus) {
        if code != 0 { throw LMDBStatus(code: code, operation: operation()) }
    }
}
