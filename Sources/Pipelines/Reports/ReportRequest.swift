import DialerCore
import Foundation

/// What a report run is asked for: campaigns, a window, the zone its hours are labelled in, the rules.
public struct ReportRequest: Sendable {
    public var campaigns: [String]
    public var window: ReportWindow
    /// An IANA zone; UTC by default.
    public var timeZone: String = "UTC"
    public var ruleSet: RuleSet = .seed
    public var trigger: ReportTrigger = .adhoc
    /// For a cron run: the job and the scheduled time it runs for.
    public var scheduled: (job: String, at: Timestamp)?
    /// Who the report's link goes to when it is to be published (recorded with the run's start, so it is
    /// published even if the process stops first); nil when it is not to be published.
    public var publishTo: [String]?

    /// A request for `campaigns` over `window`; the rest defaults.
    public init(campaigns: [String], window: ReportWindow) {
        self.campaigns = campaigns
        self.window = window
    }

    /// Throws naming the first unusable field: no or too many campaigns, a repeated or empty id, an
    /// empty or too long window, an unknown zone.
    public func validate(_ limits: ReportLimits) throws {
        func fail(_ field: String, _ reason: String) -> DialerCoreError { .invalidField(field: field, reason: reason) }
        guard !campaigns.isEmpty else { throw fail("campaigns", "name at least one campaign") }
        guard campaigns.count <= limits.maxCampaigns else {
            throw fail("campaigns", "\(campaigns.count) campaigns; at most \(limits.maxCampaigns) per run")
        }
        if let empty = campaigns.firstIndex(where: \.isEmpty) { throw fail("campaigns[\(empty)]", "must not be empty") }
        if let repeated = campaigns.enumerated().first(where: { campaigns[..<$0.offset].contains($0.element) }) {
            throw fail("campaigns[\(repeated.offset)]", "\"\(repeated.element)\" is named twice")
        }
        guard window.end > window.start else {
            throw fail("window.end", "\(window.end.rfc3339) is not after the start \(window.start.rfc3339)")
        }
        let hours = (window.end.milliseconds - window.start.milliseconds + 3_599_999) / 3_600_000
        guard hours <= Int64(limits.maxDays) * 24 else {
            throw fail("window", "\(hours) hours; at most \(limits.maxDays) days per run")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw fail("time_zone", "\"\(timeZone)\" is not an IANA time zone")
        }
    }
}

/// Bounds of one run: how much it may ask for and how hard it may press CXone.
public struct ReportLimits: Sendable {
    /// Most campaigns per run.
    public var maxCampaigns = 50
    /// Longest window, in days (the simulator and CXone answer at most 31 days per request).
    public var maxDays = 31
    /// Campaign requests in flight at once.
    public var concurrency = 4
    /// Pause between starting two campaign requests (the seed's 200 ms stagger).
    public var stagger: Duration = .milliseconds(200)

    /// The defaults.
    public init() {}
}
