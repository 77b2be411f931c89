/// Every hour CXone reported for some campaigns, as the log holds it through an as-of point: the pages of
/// this run and of earlier runs, the newest observation of each hour winning, non-negative hours only
/// (a negative count is a correction, not calls). What the compliance section's rolling windows are
/// computed from, so a "30 days" figure rests on 30 days of observations, not on one report's hours.
public struct ObservedHistory: Sendable, Hashable {
    /// Per campaign, ascending by hour, one observation per hour.
    public private(set) var hours: [String: [ObservedHour]]

    /// A history of the given observations per campaign: the later of two for one hour wins, negative
    /// hours are left out.
    public init(hours: [String: [ObservedHour]]) {
        var fold = Fold(from: .min, to: .max)
        for (campaign, observed) in hours { fold.add(campaign: campaign, observed, from: .min, to: .max) }
        self = fold.history
    }

    /// No observations.
    public static let empty = ObservedHistory(hours: [:])

    /// The history the derived hours of a report themselves observed (their `observed` hours): a report's
    /// compliance without earlier runs, as tests and benchmarks build it.
    public init(observedIn campaigns: [(id: String, intervals: [DerivedInterval])]) {
        var hours: [String: [ObservedHour]] = [:]
        for campaign in campaigns {
            hours[campaign.id, default: []] += campaign.intervals.filter { $0.source == .observed }.map {
                ObservedHour(hour: $0.hour, counts: $0.counts)
            }
        }
        self.init(hours: hours)
    }

    /// The observations of `campaign`, ascending by hour.
    public subscript(campaign: String) -> [ObservedHour] { hours[campaign] ?? [] }

    /// The hours a report over `window` needs for its rolling windows: from the longest window's start
    /// before the report's first hour end, to the report's last hour end.
    public static func range(for window: ReportWindow) -> (from: Timestamp, to: Timestamp) {
        let hourMs = ObservedHour.hourMilliseconds
        let first = window.start.milliseconds.floorDivided(by: hourMs).quotient * hourMs
        let end = (window.end.milliseconds + hourMs - 1).floorDivided(by: hourMs).quotient * hourMs
        let last = max(first + hourMs, end)
        let longest = Compliance.windowHours.max()!
        return (Timestamp(milliseconds: first + hourMs - longest * hourMs), Timestamp(milliseconds: last))
    }

    /// Reads the `MetricPageFetched` facts of `campaigns` recorded through `throughSeq` (by the type index,
    /// oldest first, so a later page's observation of an hour replaces an earlier one) and keeps the hours
    /// of [from, to). A page's rows are read as the deriver reads them: rows outside the page's window are
    /// ignored, and a page with a row that is not the documented shape gives no hours (its run failed the
    /// campaign); so does a payload that is not a page. A page of another campaign or not overlapping
    /// [from, to) is passed over after reading its first bytes.
    public static func read(
        campaigns: Set<String>, from: Timestamp, to: Timestamp, snapshot: any EventSnapshot, throughSeq: UInt64
    ) throws -> ObservedHistory {
        var fold = Fold(from: from.milliseconds, to: to.milliseconds)
        guard !campaigns.isEmpty, from < to else { return fold.history }
        let query = EventQuery(type: ReportEvent.pageFetched, throughSeq: throughSeq)
        try snapshot.scanInPlace(query) { view in
            if let head = PageHead(view.payloadBytes),
                !campaigns.contains(head.campaign) || head.end <= from.milliseconds || head.start >= to.milliseconds
            {
                return true
            }
            if let page = ObservedPage(view.payloadBytes), campaigns.contains(page.campaign) {
                fold.add(campaign: page.campaign, page.rows, from: page.start, to: page.end)
            }
            return true
        }
        return fold.history
    }

    /// Observations folded in log order: the newest of each hour wins.
    private struct Fold {
        let from: Int64
        let to: Int64
        var byHour: [String: [Int64: HourCounts]] = [:]

        init(from: Int64, to: Int64) {
            self.from = from
            self.to = to
        }

        /// Adds the rows of [low, high) that fall in the fold's range; a later row of one hour wins.
        mutating func add(campaign: String, _ rows: [ObservedHour], from low: Int64, to high: Int64) {
            let low = max(low, from)
            let high = min(high, to)
            for row in rows where row.hour.milliseconds >= low && row.hour.milliseconds < high {
                byHour[campaign, default: [:]][row.hour.milliseconds] = row.counts
            }
        }

        var history: ObservedHistory {
            var history = ObservedHistory(sorted: [:])
            for (campaign, hours) in byHour {
                history.hours[campaign] = hours.filter { !$0.value.hasNegative }.sorted { $0.key < $1.key }.map {
                    ObservedHour(hour: Timestamp(milliseconds: $0.key), counts: $0.value)
                }
            }
            return history
        }
    }

    private init(sorted hours: [String: [ObservedHour]]) { self.hours = hours }
}

/// The first fields of a canonical `MetricPageFetched` payload, read without parsing its rows:
/// `{"campaign_id":…,"request":{"end_date":…,"interval":…,"path":…,"start_date":…},"rows":…` (the path
/// is optional), the start
/// rounded down to its hour as the deriver does. Nil when the bytes are not in that form (the caller
/// then parses the whole payload).
private struct PageHead {
    let campaign: String
    let start: Int64
    let end: Int64

    init?(_ bytes: UnsafeRawBufferPointer) {
        var scan = CanonicalScanner(bytes: bytes)
        guard scan.literal(#"{"campaign_id":"#), let campaign = scan.string(),
            scan.literal(#","request":{"end_date":"#), let end = scan.string(),
            scan.literal(#","interval":"#), scan.string() != nil,
            !scan.literal(#","path":"#) || scan.string() != nil,
            scan.literal(#","start_date":"#), let start = scan.string(),
            let endInstant = try? Timestamp(rfc3339: String(decoding: end, as: UTF8.self)),
            let startInstant = try? Timestamp(rfc3339: String(decoding: start, as: UTF8.self))
        else { return nil }
        let hourMs = ObservedHour.hourMilliseconds
        self.campaign = String(decoding: campaign, as: UTF8.self)
        self.start = startInstant.milliseconds.floorDivided(by: hourMs).quotient * hourMs
        self.end = endInstant.milliseconds
    }
}

/// A page's campaign, window (its start rounded down to the hour) and rows read as observed hours, as the
/// deriver reads them (a dialer-contacts page through its mapping); nil when the payload is not a page or a
/// row is not the documented shape.
private struct ObservedPage {
    let campaign: String
    let start: Int64
    let end: Int64
    let rows: [ObservedHour]

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard let json = try? JSONParser.parse(Array(bytes)), let page = try? MetricPageFetched(json: json),
            let observed = try? page.observedHours()
        else { return nil }
        let hourMs = ObservedHour.hourMilliseconds
        campaign = page.campaignID
        start = page.window.start.milliseconds.floorDivided(by: hourMs).quotient * hourMs
        end = page.window.end.milliseconds
        rows = observed
    }
}
