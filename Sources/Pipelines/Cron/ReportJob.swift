import DialerCore
import Foundation

/// A report the cron runner makes on a schedule: which campaigns, when, over which window.
public struct ReportJob: Sendable {
    /// Which hours a scheduled run reports on.
    public enum Window: String, Sendable, CaseIterable {
        /// The 24 hours before the scheduled time (the seed's).
        case previous24Hours = "previous-24h"
        /// The whole local day before the scheduled one, Saturday and Sunday passed over.
        case previousBusinessDay = "previous-business-day"
    }

    /// Names the job in ticks, runs and logs.
    public var id: String
    public var schedule: CronSchedule
    public var campaigns: [String]
    public var window: Window = .previous24Hours
    /// The zone the report's hours are labelled in (and business days are read in).
    public var timeZone: String = "UTC"
    public var ruleSet: RuleSet = .seed
    /// A tick older than this when the runner gets to it is recorded as missed, not run.
    public var startingDeadline: Duration = .seconds(300)
    /// How long a runner's claim on a tick lasts: a run that has not ended by then is taken over by another
    /// runner on the log (its runner is taken to have crashed), so it must outlast the job's longest run.
    public var lease: Duration = .seconds(600)
    /// Who gets each report's link; nil means the configured default recipients.
    public var recipients: [String]?

    /// A job with the defaults above.
    public init(id: String, schedule: CronSchedule, campaigns: [String]) {
        self.id = id
        self.schedule = schedule
        self.campaigns = campaigns
    }

    /// The report request of the run for `scheduled`.
    func request(for scheduled: Timestamp) throws -> ReportRequest {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw DialerCoreError.invalidField(field: "time_zone", reason: "\"\(timeZone)\" is not an IANA time zone")
        }
        var request = ReportRequest(campaigns: campaigns, window: reportWindow(for: scheduled, zone: zone))
        request.timeZone = timeZone
        request.ruleSet = ruleSet
        request.trigger = .cron
        request.scheduled = (id, scheduled)
        return request
    }

    /// The window a run for `scheduled` covers.
    func reportWindow(for scheduled: Timestamp, zone: TimeZone) -> ReportWindow {
        switch window {
        case .previous24Hours:
            return ReportWindow(start: Timestamp(milliseconds: scheduled.milliseconds - 86_400_000), end: scheduled)
        case .previousBusinessDay:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let date = Date(timeIntervalSince1970: Double(scheduled.milliseconds) / 1000)
            var day = calendar.startOfDay(for: date)
            repeat {
                day = calendar.date(byAdding: .day, value: -1, to: day)!
            } while calendar.isDateInWeekend(day)
            let next = calendar.date(byAdding: .day, value: 1, to: day)!
            return ReportWindow(start: Timestamp(day), end: Timestamp(next))
        }
    }
}
