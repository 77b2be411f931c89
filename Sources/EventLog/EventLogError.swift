import DialerCore

/// Errors of the LMDB event log, each naming the path or sequence at fault and the reason.
public enum EventLogError: CategorizedError, Equatable {
    /// The folder holds something that is not a DialerLedger log; nothing was written.
    case notALog(path: String, reason: String)
    /// No log exists at the path (read-only commands never create one).
    case noLog(path: String)
    /// The log was written by a newer program with a format this one cannot read.
    case newerFormat(path: String, found: UInt32, supported: UInt32)
    /// The log's data file is cut short or damaged, so it is not opened; nothing was read or written.
    case damaged(path: String, reason: String)
    /// The folder cannot be written (permissions or a read-only file system); nothing was written.
    case notWritable(path: String, reason: String)
    /// LMDB refused an operation.
    case storage(path: String, reason: String)
    /// A stored record cannot be decoded.
    case corruptRecord(seq: UInt64, reason: String)

    public var description: String {
        switch self {
        case .notALog(let path, let reason): return "\(path): not a DialerLedger log (\(reason))"
        case .noLog(let path): return "\(path): no DialerLedger log here"
        case .newerFormat(let path, let found, let supported):
            return
                "\(path): log format version \(found) is newer than this program reads (\(supported)); upgrade dialer-ledger"
        case .damaged(let path, let reason): return "\(path): damaged log, not opened (\(reason))"
        case .notWritable(let path, let reason): return "\(path): cannot write here (\(reason))"
        case .storage(let path, let reason): return "\(path): storage error (\(reason))"
        case .corruptRecord(let seq, let reason): return "seq \(seq): stored record is unreadable (\(reason))"
        }
    }

    /// A record that does not decode is a damaged log; a data file refused at open (nothing read) leaves the
    /// log unavailable, as do storage failures.
    public var category: ErrorCategory {
        switch self {
        case .corruptRecord: .corrupt
        case .noLog: .notFound
        case .notALog, .newerFormat, .damaged, .notWritable, .storage: .unavailable
        }
    }
}
