import DialerCore

/// The body of `GET /api/v1/events`, `{"events":[…],"next_after":SEQ|null}` and a newline, written from
/// the stored envelopes in place as their canonical bytes: no envelope is copied, parsed and encoded
/// again, and the work runs on the store's reader thread, so a large page holds none of Swift's
/// cooperative threads (where `/healthz` and every other request are answered).
enum EventPage {
    /// At most `limit` events matching `query` (whose own limit is `limit + 1`, to see whether more follow);
    /// `next_after` is the page's last sequence when more follow, else null.
    static func bytes(_ snapshot: any EventSnapshot, _ query: EventQuery, limit: Int) throws -> [UInt8] {
        var w = CanonicalJSONWriter(capacity: 64 << 10)
        w.writeRaw(#"{"events":["#)
        var count = 0
        var last: UInt64 = 0
        var more = false
        try snapshot.scanInPlace(query) { view in
            guard count < limit else {
                more = true
                return false
            }
            if count > 0 { w.writeRaw(",") }
            view.writeCanonical(to: &w)
            count += 1
            last = view.seq
            return true
        }
        w.writeRaw(#"],"next_after":"#)
        if more { w.write(int: Int64(last)) } else { w.writeRaw("null") }
        w.writeRaw("}\n")
        return w.bytes
    }
}
