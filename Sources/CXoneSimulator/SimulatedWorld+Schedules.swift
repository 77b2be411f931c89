import DialerCore
import Foundation

extension SimulatedWorld {
    /// The schedule types the simulated tenant accepts.
    static let scheduleTypes: Set<String> = ["ONE_TIME", "RECURRING"]

    /// `POST …/campaigns/{id}/schedules` with the seed's body (`campaignId`, `startTime`, `endTime`,
    /// `timezone`, `scheduleType`; optionally `contactCount` or `contactIds`): 201 `{id}`. A repeated
    /// `Idempotency-Key` with the same body returns the same schedule; with another body it is refused.
    mutating func submitSchedule(_ campaignID: String, call: SimulatedCall, now: Timestamp) -> SimulatedAnswer {
        let body: JSONValue
        do {
            body = try JSONParser.parse(call.body)
        } catch {
            return .error(400, "invalid_request", SimulatorInputError("body", "is not JSON"))
        }
        let canonical = (try? CanonicalJSON(body).bytes) ?? call.body
        if let key = call.idempotencyKey, let stored = schedulesByKey[key] {
            guard stored.campaignID == campaignID, stored.request == canonical else {
                return .error(
                    422, "idempotency_key_reused",
                    SimulatorInputError("Idempotency-Key", "was already used for a different request"))
            }
            var answer = Self.created(stored)
            answer.headers.append(("Idempotent-Replayed", "true"))
            return answer
        }
        let contacts: Int?
        do throws(SimulatorInputError) {
            contacts = try Self.validateSchedule(body, campaignID: campaignID, now: now)
        } catch {
            return .error(422, "invalid_schedule", error)
        }
        schedulesCreated += 1
        let number = String(schedulesCreated)
        let schedule = StoredSchedule(
            id: "sch-" + String(repeating: "0", count: max(0, 6 - number.count)) + number, campaignID: campaignID,
            request: canonical, contacts: contacts)
        if let key = call.idempotencyKey { schedulesByKey[key] = schedule }
        schedulesByCampaign[campaignID, default: []].append(schedule)
        return Self.created(schedule)
    }

    private static func created(_ schedule: StoredSchedule) -> SimulatedAnswer {
        var answer = SimulatedAnswer.json(
            201, ["id": .string(schedule.id), "campaignId": .string(schedule.campaignID), "status": "SCHEDULED"])
        answer.scheduleID = schedule.id
        return answer
    }

    /// Checks a schedule body; returns the contacts it covers, when it says.
    static func validateSchedule(_ body: JSONValue, campaignID: String, now: Timestamp) throws(SimulatorInputError)
        -> Int?
    {
        guard case .object = body else { throw SimulatorInputError("body", "is not a JSON object") }
        if let named = body["campaignId"], named.stringValue != campaignID {
            throw SimulatorInputError("campaignId", "does not match the campaign in the path (\(campaignID))")
        }
        let start = try instant(body, "startTime")
        guard start >= now else {
            throw SimulatorInputError(
                "startTime", "\(start.rfc3339Seconds) is in the past (now is \(now.rfc3339Seconds))")
        }
        if body["endTime"] != nil {
            guard try instant(body, "endTime") > start else {
                throw SimulatorInputError("endTime", "must be after startTime")
            }
        }
        guard let zone = body["timezone"]?.stringValue else { throw SimulatorInputError("timezone", "is required") }
        guard TimeZone(identifier: zone) != nil else {
            throw SimulatorInputError("timezone", "\"\(zone)\" is not an IANA time zone")
        }
        if let type = body["scheduleType"] {
            guard let name = type.stringValue, scheduleTypes.contains(name) else {
                throw SimulatorInputError(
                    "scheduleType", "must be one of \(scheduleTypes.sorted().joined(separator: ", "))")
            }
        }
        if let count = body["contactCount"] {
            guard let value = count.intValue, value >= 0 else {
                throw SimulatorInputError("contactCount", "must be a whole number, 0 or more")
            }
            return Int(value)
        }
        if let ids = body["contactIds"] {
            guard case .array(let list) = ids else { throw SimulatorInputError("contactIds", "must be an array") }
            return list.count
        }
        return nil
    }

    private static func instant(_ body: JSONValue, _ field: String) throws(SimulatorInputError) -> Timestamp {
        guard let text = body[field]?.stringValue else { throw SimulatorInputError(field, "is required") }
        guard let instant = try? Timestamp(rfc3339: text) else {
            throw SimulatorInputError(field, "\"\(text)\" is not an RFC 3339 instant")
        }
        return instant
    }
}
