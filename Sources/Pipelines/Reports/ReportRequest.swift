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
    /// empty window, an unknown zone, a window reaching outside the years 0000-9999 on the zone's clock,
    /// a window longer than `maxDays` calendar days in the zone.
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
        guard let zone = TimeZone(identifier: timeZone) else {
            throw fail("time_zone", "\"\(timeZone)\" is not an IANA time zone")
        }
        // Hours are labelled on the zone's clock, in RFC 3339: every label needs a four-digit year there.
        func local(_ instant: Timestamp) -> Int64 {
            let date = Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000)
            return instant.milliseconds + Int64(zone.secondsFromGMT(for: date)) * 1000
        }
        guard local(window.start) >= Timestamp.days(fromCivil: 0, 1, 1) * 86_400_000 else {
            throw fail("window.start", "\(window.start.rfc3339) is before the year 0000 in \(timeZone)")
        }
        guard local(Timestamp(milliseconds: window.end.milliseconds - 1)) <= Timestamp.latest.milliseconds else {
            throw fail("window.end", "\(window.end.rfc3339) is after the year 9999 in \(timeZone)")
        }
        // Calendar days in the run's zone: a month with a fall-back day has 31 × 24 + 1 hours.
        let latest = Self.instant(days: limits.maxDays, after: window.start, in: zone)
        guard window.end <= latest else {
            let hours = (window.end.milliseconds - window.start.milliseconds + 3_599_999) / 3_600_000
            throw fail(
                "window",
                "\(hours) hours, ending after \(latest.rfc3339); at most \(limits.maxDays) days in \(timeZone) per run")
        }
    }

    /// The instant `days` calendar days after `start` on the clocks of `zone`.
    static func instant(days: Int, after start: Timestamp, in zone: TimeZone) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let from = Date(timeIntervalSince1970: Double(start.milliseconds) / 1000)
        guard let later = calendar.date(byAdding: .day, value: days, to: from) else {
            return Timestamp(milliseconds: start.milliseconds + Int64(days) * 86_400_000)
        }
        return Timestamp(milliseconds: Int64((later.timeIntervalSince1970 * 1000).rounded()))
    }
}

/// Bounds of one run: how much it may ask for and how hard it may press CXone.
public struct ReportLimits: Sendable {
    /// Most campaigns per run.
    public var maxCampaigns = 50
    /// Longest window, in calendar days of the run's zone (31: a whole month, a fall-back day's 25 hours
    /// included; the CXone client splits what is longer than one request may ask for).
    public var maxDays = 31
    /// Campaign requests in flight at once.
    public var concurrency = 4
    /// Pause between starting two campaign requests (the seed's 200 ms stagger).
    public var stagger: Duration = .milliseconds(200)

    /// The defaults.
    public init() {}
}
