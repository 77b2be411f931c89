import Delivery
import DialerCore
import Foundation

/// What a scheduling job is asked for: the campaign, the cron expression, the contacts, how to monitor,
/// where to tell downstream systems.
public struct ScheduleRequest: Sendable {
    public var campaignID: String
    public var planner: SchedulePlanner
    public var contacts: ContactList
    /// The contact file's bytes' SHA-256 (the job's identity with the campaign and the cron expression).
    public var contactsSHA256: SHA256Digest
    /// `callsCompleted` that means the campaign is done (the seed's 50).
    public var expected = 50
    /// The seed's 30 s and 1 h.
    public var pollInterval: Duration = .seconds(30)
    public var timeout: Duration = .seconds(3_600)
    /// Rows per analytics page (every page is read).
    public var analyticsPageSize = 100
    /// Where the completion webhook goes, and its secret; no webhook when nil.
    public var webhook: (url: String, secret: WebhookSecret)?

    /// A request with the seed's defaults.
    public init(campaignID: String, planner: SchedulePlanner, contacts: ContactList, contactsSHA256: SHA256Digest) {
        self.campaignID = campaignID
        self.planner = planner
        self.contacts = contacts
        self.contactsSHA256 = contactsSHA256
    }

    /// The job's id: the campaign, a hash of the cron expression, the contacts and the planning settings, and
    /// the first window's start, so a run restarted after a crash finds the same job.
    func jobID(firstStart: Timestamp?) -> String {
        let identity = [
            campaignID, planner.expression, contactsSHA256.hex, "\(planner.windowLength.milliseconds)",
            planner.callingHours.description,
            planner.callingHoursByZone.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: ","),
        ].joined(separator: "\n")
        let hash = SHA256Digest.of(Array(identity.utf8)).hex.prefix(10)
        let start = (firstStart?.rfc3339Seconds ?? "none").filter { $0.isNumber }.prefix(12)
        return "sched-\(campaignID)-\(hash)-\(start)"
    }
}
