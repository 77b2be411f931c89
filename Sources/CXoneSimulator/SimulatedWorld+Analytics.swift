import DialerCore

extension SimulatedWorld {
    /// The largest page the analytics query serves.
    static let maxPageSize: Int64 = 1000
    /// The contact lists each campaign's analytics are split over: three rows per campaign.
    static let lists = [("L1", 5), ("L2", 3), ("L3", 2)]

    /// `POST /api/v2/analytics/outbound/details/query` with the seed's body. Each poll (a page-1 query)
    /// moves every named campaign on by 20–45 % of its size, up to its size: the sum of its schedules'
    /// `contactCount`, or a size drawn from the seed when no schedule said. Rows are per campaign and
    /// contact list, `pageSize` to a page.
    mutating func analytics(_ bytes: [UInt8]) -> SimulatedAnswer {
        let query: AnalyticsRequest
        do throws(SimulatorInputError) {
            query = try AnalyticsRequest(bytes)
        } catch {
            return .error(400, "invalid_request", error)
        }
        if query.page == 1 {
            for campaign in query.campaigns { advance(campaign) }
        }
        let rows = query.campaigns.flatMap(rows)
        let size = Int(query.pageSize)
        let totalPages = (rows.count + size - 1) / size
        let first = min(rows.count, (Int(query.page) - 1) * size)
        let page = Array(rows[first..<min(rows.count, first + size)])
        return .json(
            200,
            [
                "data": .array(page), "page": .int(query.page), "pageSize": .int(query.pageSize),
                "totalPages": .int(Int64(totalPages)), "totalRecords": .int(Int64(rows.count)),
            ])
    }

    /// The contacts a campaign will have called when it completes.
    func campaignSize(_ campaignID: String) -> Int {
        let declared = (schedulesByCampaign[campaignID] ?? []).compactMap(\.contacts)
        if !declared.isEmpty { return declared.reduce(0, +) }
        var random = SplitMix64(seed: configuration.seed, SplitMix64.hash(campaignID), SplitMix64.hash("size"))
        return random.integer(in: 60...400)
    }

    private mutating func advance(_ campaignID: String) {
        let size = campaignSize(campaignID)
        let poll = polls[campaignID, default: 0]
        polls[campaignID] = poll + 1
        var random = SplitMix64(seed: configuration.seed, SplitMix64.hash(campaignID), UInt64(poll))
        let step = max(1, Int(Double(size) * (0.2 + 0.25 * random.unit())))
        completed[campaignID] = min(size, completed[campaignID, default: 0] + step)
    }

    private func rows(_ campaignID: String) -> [JSONValue] {
        let done = completed[campaignID, default: 0]
        var left = done
        return Self.lists.enumerated().map { index, list in
            let share = index == Self.lists.count - 1 ? left : done * list.1 / 10
            left -= share
            return [
                "campaignId": .string(campaignID), "contactListId": .string("\(campaignID)-\(list.0)"),
                "callsCompleted": .int(Int64(share)), "callsAttempted": .int(Int64(share + (share * 3 + 19) / 20)),
                "connected": .int(Int64(share * 3 / 5)),
            ]
        }
    }
}

/// The parts of an analytics query the simulator reads.
struct AnalyticsRequest: Sendable {
    var campaigns: [String]
    var page: Int64
    var pageSize: Int64

    /// Reads and checks a query body.
    init(_ bytes: [UInt8]) throws(SimulatorInputError) {
        guard let body = try? JSONParser.parse(bytes), case .object = body else {
            throw SimulatorInputError("body", "is not a JSON object")
        }
        for field in ["dateFrom", "dateTo"] {
            guard let text = body[field]?.stringValue else { throw SimulatorInputError(field, "is required") }
            guard (try? Timestamp(rfc3339: text)) != nil else {
                throw SimulatorInputError(field, "\"\(text)\" is not an RFC 3339 instant")
            }
        }
        guard case .array(let names)? = body["filter"]?["campaignId"]?["in"], !names.isEmpty,
            names.allSatisfy({ $0.stringValue?.isEmpty == false })
        else {
            throw SimulatorInputError("filter.campaignId.in", "must list one or more campaign ids")
        }
        var seen = Set<String>()
        campaigns = names.compactMap(\.stringValue).filter { seen.insert($0).inserted }
        page = body["page"]?.intValue ?? 1
        guard page >= 1 else { throw SimulatorInputError("page", "must be 1 or more") }
        pageSize = body["pageSize"]?.intValue ?? 100
        guard (1...SimulatedWorld.maxPageSize).contains(pageSize) else {
            throw SimulatorInputError("pageSize", "must be in 1...\(SimulatedWorld.maxPageSize)")
        }
    }
}
