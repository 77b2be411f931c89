import Foundation

/// One schedule to submit: a campaign's calling window in one time zone for one cron fire time, and the
/// contacts it covers. Start and end are clipped to the zone's calling hours.
public struct ScheduleWindow: Sendable, Hashable {
    public var campaignID: String
    public var timeZone: String
    /// When the cron expression fires in the zone.
    public var fireTime: Timestamp
    public var start: Timestamp
    public var end: Timestamp
    /// Whether calling hours cut the window.
    public var clipped: Bool
    public var contactIDs: [String]

    /// A window with every field given.
    public init(
        campaignID: String, timeZone: String, fireTime: Timestamp, start: Timestamp, end: Timestamp, clipped: Bool,
        contactIDs: [String]
    ) {
        self.campaignID = campaignID
        self.timeZone = timeZone
        self.fireTime = fireTime
        self.start = start
        self.end = end
        self.clipped = clipped
        self.contactIDs = contactIDs
    }

    /// The key that makes its submission at most once: `schedule:JOB:CAMPAIGN:ZONE:START`.
    public func idempotencyKey(job: String) -> String {
        "schedule:\(job):\(campaignID):\(timeZone):\(start.rfc3339)"
    }

    /// The CXone schedule body (the seed's fields, times with the zone's offset, and the contacts).
    public var requestBody: JSONValue {
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        return [
            "campaignId": .string(campaignID), "startTime": .string(start.rfc3339(in: zone)),
            "endTime": .string(end.rfc3339(in: zone)), "timezone": .string(timeZone), "scheduleType": "ONE_TIME",
            "contactIds": .array(contactIDs.map(JSONValue.string)),
        ]
    }

    /// As recorded.
    public var json: JSONValue {
        [
            "campaign_id": .string(campaignID), "time_zone": .string(timeZone), "fire_time": .string(fireTime.rfc3339),
            "start": .string(start.rfc3339), "end": .string(end.rfc3339), "clipped": .bool(clipped),
            "contact_ids": .array(contactIDs.map(JSONValue.string)),
        ]
    }

    /// Reads a recorded window.
    public init(json: JSONValue, field: String) throws {
        let read = PayloadReader(json, field: field)
        guard case .bool(let clipped)? = json["clipped"] else { throw read.fail("clipped", "must be true or false") }
        self.init(
            campaignID: try read.string("campaign_id"), timeZone: try read.string("time_zone"),
            fireTime: try read.instant("fire_time"), start: try read.instant("start"), end: try read.instant("end"),
            clipped: clipped, contactIDs: try read.strings("contact_ids"))
    }
}

/// A fire time whose window lies wholly outside the zone's calling hours: reported, not submitted.
public struct OutsideCallingHours: Sendable, Hashable {
    public var timeZone: String
    public var fireTime: Timestamp
    public var contactIDs: [String]
    /// The calling hours it missed, such as `08:00–21:00`.
    public var callingHours: String

    /// As recorded.
    public var json: JSONValue {
        [
            "time_zone": .string(timeZone), "fire_time": .string(fireTime.rfc3339),
            "contact_ids": .array(contactIDs.map(JSONValue.string)), "calling_hours": .string(callingHours),
        ]
    }
}
