import DialerCore

extension SimulatedWorld {
    /// The longest window one report request may ask for.
    static let maxReportHours: Int64 = 31 * 24

    /// `GET …/campaigns/{id}/report?start_date&end_date&interval=HOURLY`: the hourly rows in
    /// [start, end), a pure function of the seed, the campaign and the hour.
    func report(_ campaignID: String, query: [String: String]) -> SimulatedAnswer {
        do throws(SimulatorInputError) {
            let start = try Self.instant(query, "start_date")
            let end = try Self.instant(query, "end_date")
            guard end > start else { throw SimulatorInputError("end_date", "must be after start_date") }
            guard query["interval"] == "HOURLY" else {
                throw SimulatorInputError(
                    "interval", "must be HOURLY, got \(query["interval"].map { "\"\($0)\"" } ?? "nothing")")
            }
            guard end.milliseconds - start.milliseconds <= Self.maxReportHours * 3_600_000 else {
                throw SimulatorInputError("end_date", "the window may span at most \(Self.maxReportHours) hours")
            }
            let rows = SimulatedReport(seed: configuration.seed, campaignID: campaignID).rows(from: start, to: end)
            return .json(200, .array(rows))
        } catch {
            return .error(400, "invalid_request", error)
        }
    }

    /// The RFC 3339 instant in query parameter `name`.
    static func instant(_ query: [String: String], _ name: String) throws(SimulatorInputError) -> Timestamp {
        guard let text = query[name] else { throw SimulatorInputError(name, "is required") }
        guard let instant = try? Timestamp(rfc3339: text) else {
            throw SimulatorInputError(name, "\"\(text)\" is not an RFC 3339 instant")
        }
        return instant
    }
}

/// The simulated hourly report of one campaign: busy daytime hours (13:00–23:00 UTC, US calling hours),
/// quiet night hours that are often missing or below the minimum volume, a few missing busy hours to
/// fill, and now and then a negative `abandoned` as real feeds occasionally send.
struct SimulatedReport: Sendable {
    let seed: UInt64
    let campaignID: String

    /// The rows of every hour that starts in [start, end), oldest first; missing hours have no row.
    func rows(from start: Timestamp, to end: Timestamp) -> [JSONValue] {
        let hour: Int64 = 3_600_000
        var first = start.milliseconds / hour * hour
        if first < start.milliseconds { first += hour }
        return stride(from: first, to: end.milliseconds, by: Int(hour)).compactMap {
            row(at: Timestamp(milliseconds: $0))
        }
    }

    /// The row of the hour starting at `instant`, or nil when the hour is missing.
    func row(at instant: Timestamp) -> JSONValue? {
        let campaign = SplitMix64.hash(campaignID)
        var scaleRandom = SplitMix64(seed: seed, campaign)
        let scale = Double(scaleRandom.integer(in: 60...180))
        var random = SplitMix64(seed: seed, campaign, UInt64(bitPattern: instant.milliseconds / 3_600_000))
        let hourOfDay = instant.milliseconds / 3_600_000 % 24
        let busy = (13...23).contains(hourOfDay)
        let missing = random.unit()
        guard missing >= (busy ? 0.04 : 0.55) else { return nil }
        let attempted = busy ? Int(scale * (0.7 + 0.6 * random.unit())) : random.integer(in: 0...28)
        let connected = Int(Double(attempted) * (0.25 + 0.3 * random.unit()))
        var abandoned = Int(Double(connected) * 0.08 * random.unit())
        if random.unit() < 0.015 { abandoned = -random.integer(in: 1...5) }
        let talkTime = Double(random.integer(in: 600...2400)) / 10
        return .object([
            "date": .string(instant.rfc3339Seconds), "calls_attempted": .int(Int64(attempted)),
            "calls_connected": .int(Int64(connected)), "abandoned": .int(Int64(abandoned)),
            "avg_talk_time": .number(connected == 0 ? 0 : talkTime),
        ])
    }
}
