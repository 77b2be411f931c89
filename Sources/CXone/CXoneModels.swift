import DialerCore

/// One hourly-report response as received: the request that asked for it and every row, every field kept.
public struct MetricPage: Sendable, Equatable {
    /// The campaign asked about.
    public var campaignID: String
    /// The path and query sent (of every part, space-separated, when the window was fetched in parts).
    public var request: String
    /// The HTTP status of the answer.
    public var status: Int
    /// The rows exactly as received (JSON objects); empty for a dialer-contacts page.
    public var rows: [JSONValue]
    /// The real profile's skills and Reporting API answers; nil for a seed page.
    public var dialerContacts: DialerContactsPage?

    /// A page with every field given.
    public init(
        campaignID: String, request: String, status: Int, rows: [JSONValue], dialerContacts: DialerContactsPage? = nil
    ) {
        self.campaignID = campaignID
        self.request = request
        self.status = status
        self.rows = rows
        self.dialerContacts = dialerContacts
    }
}

/// The answer to a schedule submission.
public struct ScheduleReceipt: Sendable, Equatable {
    /// The schedule id CXone created (or returned again for a repeated idempotency key).
    public var scheduleID: String
    /// The HTTP status (201 on creation).
    public var status: Int
    /// Attempts it took.
    public var attempts: Int
}

/// The seed's outbound analytics query.
public struct AnalyticsQuery: Sendable, Equatable {
    /// Campaigns to report on.
    public var campaignIDs: [String]
    /// Start of the period.
    public var from: Timestamp
    /// End of the period.
    public var to: Timestamp
    /// Metrics asked for.
    public var metrics = ["callsCompleted", "callsAttempted", "connected"]
    /// Rows per page.
    public var pageSize = 100
    /// More pages than this is taken as a server fault, not followed.
    static let maxPages: Int64 = 10_000

    /// A query for `campaignIDs` over [from, to].
    public init(campaignIDs: [String], from: Timestamp, to: Timestamp) {
        self.campaignIDs = campaignIDs
        self.from = from
        self.to = to
    }

    /// The request body for `page`.
    func body(page: Int) -> JSONValue {
        .object([
            "dateFrom": .string(from.rfc3339Seconds), "dateTo": .string(to.rfc3339Seconds),
            "groupBy": ["campaignId"], "metrics": .array(metrics.map { .string($0) }),
            "filter": ["campaignId": ["in": .array(campaignIDs.map { .string($0) })]],
            "page": .int(Int64(page)), "pageSize": .int(Int64(pageSize)),
        ])
    }
}

/// One page of analytics rows, as received.
public struct AnalyticsPage: Sendable, Equatable {
    /// Its number, from 1.
    public var page: Int
    /// Pages in all, as the server said.
    public var totalPages: Int
    /// The rows exactly as received.
    public var rows: [JSONValue]
}

/// Every page of one analytics query.
public struct AnalyticsResult: Sendable, Equatable {
    /// The pages in order.
    public var pages: [AnalyticsPage]

    /// The sum of `callsCompleted` over every row of every page.
    public var callsCompleted: Double {
        pages.flatMap(\.rows).reduce(0) { $0 + ($1["callsCompleted"]?.doubleValue ?? 0) }
    }
}
