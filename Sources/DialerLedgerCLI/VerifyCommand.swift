import ArgumentParser
import EventLog

/// `dialer-ledger verify`: walks the chain and the indexes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every event's hash, the chain, the sequence and the indexes.",
        discussion: "Exit 0 and a one-line summary when sound; exit 1 naming the first bad sequence otherwise."
    )

    @OptionGroup var data: DataOptions

    func run() throws {
        var verification = LogVerification()
        try reportingErrors {
            let log = try data.openLog(.readOnly)
            verification = try log.verify()
        }
        if let problem = verification.problem {
            printError("log unsound at \(data.logPath): \(problem)")
            throw ExitCode(1)
        }
        let v = verification
        print(
            "log sound: \(v.eventCount) events (seq 1…\(v.eventCount)), \(v.streamCount) streams, "
                + "\(v.typeCount) types, \(v.idempotencyKeyCount) idempotency key\(v.idempotencyKeyCount == 1 ? "" : "s"), head \(v.head.hex.prefix(16)) "
                + "at \(data.logPath)")
    }
}
