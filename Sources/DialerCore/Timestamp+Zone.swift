import Foundation

extension Timestamp {
    /// RFC 3339 in `zone`'s local time with its offset then, to the second (`2026-03-08T03:00:00-04:00`);
    /// `Z` for UTC.
    public func rfc3339(in zone: TimeZone) -> String {
        let seconds = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
        let local = Timestamp(milliseconds: milliseconds + seconds * 1000).rfc3339  // …T03:00:00.000Z
        guard zone.identifier != "UTC" && zone.identifier != "GMT" || seconds != 0 else {
            return String(local.prefix(19)) + "Z"
        }
        let minutes = abs(seconds) / 60
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return String(local.prefix(19)) + (seconds < 0 ? "-" : "+") + two(minutes / 60) + ":" + two(minutes % 60)
    }
}
