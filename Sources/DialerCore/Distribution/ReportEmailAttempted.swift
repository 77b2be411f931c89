import Foundation

/// `ReportEmailAttempted`: one process claims attempt `attempt` of one recipient's e-mail, before the
/// conversation with the mail server starts. The claim's idempotency key (report, recipient, attempt) lets
/// one process only own an attempt, across processes; an attempt with no outcome is in flight until
/// `deadline` (the sender's own time limit has then passed), or until its claimant (`host`, `pid`) is seen
/// to be gone, and `unknown` after it, never sent again.
public struct ReportEmailAttempted: RecordedEvent, Hashable {
    public static let storedType = "ReportEmailAttempted"
    public var reportID: String
    public var recipient: String
    public var messageID: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// When the attempt has certainly ended, whatever became of it.
    public var deadline: Timestamp
    /// The claiming process: its host name and process id.
    public var host: String
    public var pid: Int64

    /// A payload with every field given.
    public init(
        reportID: String, recipient: String, messageID: String, attempt: Int, deadline: Timestamp, host: String,
        pid: Int64
    ) {
        self.host = host
        self.pid = pid
        self.reportID = reportID
        self.recipient = recipient
        self.messageID = messageID
        self.attempt = attempt
        self.deadline = deadline
    }

    /// At most one claim per report, recipient (without case) and attempt.
    public var idempotencyKey: String { "email-attempt:\(reportID):\(recipient.lowercased()):\(attempt)" }

    /// As stored.
    public var json: JSONValue {
        [
            "report_id": .string(reportID), "recipient": .string(recipient), "message_id": .string(messageID),
            "attempt": .int(Int64(attempt)), "deadline": .string(deadline.rfc3339), "host": .string(host),
            "pid": .int(pid),
        ]
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        let attempt = try read.int("attempt")
        guard attempt >= 1 else { throw read.fail("attempt", "must be 1 or more") }
        self.init(
            reportID: try read.string("report_id"), recipient: try read.string("recipient"),
            messageID: try read.string("message_id"), attempt: Int(attempt), deadline: try read.instant("deadline"),
            host: try read.string("host"), pid: try read.int("pid"))
    }
}
