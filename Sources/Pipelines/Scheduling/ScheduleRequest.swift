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

    /// What makes two runs the same request: the campaign, the cron expression, the contacts and the planning
    /// settings (never the time). A rerun of the same request carries on its newest unfinished job.
    var identity: String {
        let fields = [
            campaignID, planner.expression, contactsSHA256.hex, "\(planner.windowLength.milliseconds)",
            planner.callingHours.description,
            planner.callingHoursByZone.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: ","),
        ].joined(separator: "\n")
        return String(SHA256Digest.of(Array(fields.utf8)).hex.prefix(10))
    }

    /// The id of this request's `generation`th job (1 is the first): the same in every process, so two runs
    /// starting a job at once claim one id and one of them finds the other's plan.
    func jobID(generation: Int) -> String { "sched-\(campaignID)-\(identity)-\(generation)" }

    /// Refuses a request that could not be carried out, before anything is planned or sent.
    public func validate() throws {
        if let webhook { try WebhookSender.checkURL(webhook.url, field: "webhook") }
        guard expected >= 1 else { throw DialerCoreError.invalidField(field: "expected", reason: "must be 1 or more") }
        guard pollInterval > .zero, timeout > .zero else {
            throw DialerCoreError.invalidField(field: "poll interval and timeout", reason: "must be more than zero")
        }
        guard (1...10_000).contains(analyticsPageSize) else {
            throw DialerCoreError.invalidField(field: "analytics page size", reason: "must be 1 to 10000")
        }
    }
}
