import DialerCore
import Foundation
import Testing

/// Calling windows: the cron read in each contact's zone, clipped to calling hours, right on DST days.
@Suite struct SchedulePlannerTests {
    private func contacts(_ zones: [String]) throws -> ContactList {
        let rows = zones.enumerated().map { "c\($0.offset + 1),\($0.element)" }
        return try ContactList(bytes: Array((["id,timezone"] + rows).joined(separator: "\n").utf8), file: "c.csv")
    }

    private func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    /// Each window as `zone local-start → local-end (clipped)`.
    private func describe(_ plan: SchedulePlanner.Plan) -> [String] {
        plan.windows.map { window in
            let zone = TimeZone(identifier: window.timeZone)!
            return "\(window.timeZone) \(window.start.rfc3339(in: zone)) → \(window.end.rfc3339(in: zone))"
                + (window.clipped ? " clipped" : "")
        }
    }

    @Test func nineAmIsNineAmLocalInEveryZone() throws {
        let planner = try SchedulePlanner(expression: "0 9 * * 1-5")
        let zones = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]
        let plan = try planner.plan(
            campaignID: "CAMP", contacts: try contacts(zones + ["America/New_York"]),
            after: try at("2026-11-30T00:00:00Z"))
        #expect(
            describe(plan) == [
                "America/Los_Angeles 2026-11-30T09:00:00-08:00 → 2026-11-30T13:00:00-08:00",
                "America/New_York 2026-11-30T09:00:00-05:00 → 2026-11-30T13:00:00-05:00",
                "Asia/Kolkata 2026-11-30T09:00:00+05:30 → 2026-11-30T13:00:00+05:30",
                // Already past 9:00 on Monday in Lord Howe (UTC+11): Tuesday.
                "Australia/Lord_Howe 2026-12-01T09:00:00+11:00 → 2026-12-01T13:00:00+11:00",
                "Europe/London 2026-11-30T09:00:00+00:00 → 2026-11-30T13:00:00+00:00",
            ])
        #expect(plan.windows.first { $0.timeZone == "America/New_York" }?.contactIDs == ["c1", "c6"])
        #expect(plan.outside.isEmpty)
        // One schedule per campaign × zone × fire time, each with its own key and the seed's body fields.
        #expect(Set(plan.windows.map { $0.idempotencyKey(job: "j") }).count == 5)
        let body = try #require(plan.windows.first { $0.timeZone == "Asia/Kolkata" }?.requestBody)
        #expect(body["startTime"]?.stringValue == "2026-11-30T09:00:00+05:30")
        #expect(body["scheduleType"]?.stringValue == "ONE_TIME" && body["campaignId"]?.stringValue == "CAMP")
    }

    @Test func windowsAreClippedToCallingHoursOrReported() throws {
        var evening = try SchedulePlanner(expression: "0 19 * * *")
        let london = try contacts(["Europe/London"])
        #expect(
            describe(try evening.plan(campaignID: "C", contacts: london, after: try at("2026-11-30T00:00:00Z")))
                == ["Europe/London 2026-11-30T19:00:00+00:00 → 2026-11-30T21:00:00+00:00 clipped"])
        var early = try SchedulePlanner(expression: "0 6 * * *")
        #expect(
            describe(try early.plan(campaignID: "C", contacts: london, after: try at("2026-11-30T00:00:00Z")))
                == ["Europe/London 2026-11-30T08:00:00+00:00 → 2026-11-30T10:00:00+00:00 clipped"])
        let late = try SchedulePlanner(expression: "0 22 * * *")
        let outside = try late.plan(campaignID: "C", contacts: london, after: try at("2026-11-30T00:00:00Z"))
        #expect(outside.windows.isEmpty)
        #expect(
            outside.outside.map { "\($0.timeZone) \($0.fireTime.rfc3339) \($0.callingHours)" } == [
                "Europe/London 2026-11-30T22:00:00.000Z 08:00–21:00"
            ])
        // Per-zone calling hours, and several fire times.
        evening.callingHoursByZone = ["Europe/London": try CallingHours(start: "09:00", end: "20:00")]
        evening.fires = 2
        #expect(
            describe(try evening.plan(campaignID: "C", contacts: london, after: try at("2026-11-30T00:00:00Z"))) == [
                "Europe/London 2026-11-30T19:00:00+00:00 → 2026-11-30T20:00:00+00:00 clipped",
                "Europe/London 2026-12-01T19:00:00+00:00 → 2026-12-01T20:00:00+00:00 clipped",
            ])
        early.windowLength = .seconds(1_800)
        #expect(
            try early.plan(campaignID: "C", contacts: london, after: try at("2026-11-30T00:00:00Z")).windows.isEmpty)
    }

    @Test func daylightSavingDaysNeverStartAtATimeThatDoesNotExist() throws {
        var planner = try SchedulePlanner(expression: "30 2 * * *")
        let allDay = try CallingHours(start: "00:00", end: "24:00")
        planner.callingHours = allDay
        // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist; the window starts at 03:00.
        let newYork = try planner.plan(
            campaignID: "C", contacts: try contacts(["America/New_York"]), after: try at("2026-03-08T05:00:00Z"))
        #expect(describe(newYork) == ["America/New_York 2026-03-08T03:00:00-04:00 → 2026-03-08T07:00:00-04:00"])
        // Lord Howe moves half an hour at 02:00 on 4 October 2026: 02:15 does not exist; the window starts at
        // 02:30 and lasts four real hours.
        planner = try SchedulePlanner(expression: "15 2 * * *")
        planner.callingHours = allDay
        let lordHowe = try planner.plan(
            campaignID: "C", contacts: try contacts(["Australia/Lord_Howe"]), after: try at("2026-10-03T12:00:00Z"))
        #expect(describe(lordHowe) == ["Australia/Lord_Howe 2026-10-04T02:30:00+11:00 → 2026-10-04T06:30:00+11:00"])
        // On London's fall-back day the 01:30 window starts at the first 01:30 and lasts four real hours.
        planner = try SchedulePlanner(expression: "30 1 * * *")
        planner.callingHours = allDay
        let london = try planner.plan(
            campaignID: "C", contacts: try contacts(["Europe/London"]), after: try at("2026-10-25T00:00:00Z"))
        #expect(describe(london) == ["Europe/London 2026-10-25T01:30:00+01:00 → 2026-10-25T04:30:00+00:00"])
        // Calling hours on a spring-forward day: 06:00 EDT plus four hours, clipped at 08:00 EDT.
        let morning = try SchedulePlanner(expression: "0 6 * * *").plan(
            campaignID: "C", contacts: try contacts(["America/New_York"]), after: try at("2026-03-08T05:00:00Z"))
        #expect(describe(morning) == ["America/New_York 2026-03-08T08:00:00-04:00 → 2026-03-08T10:00:00-04:00 clipped"])
    }

    @Test func badSettingsAreNamed() throws {
        #expect(throws: DialerCoreError.self) { try SchedulePlanner(expression: "0 25 * * *") }
        #expect {
            try SchedulePlanner(expression: "CRON_TZ=Asia/Tokyo 0 9 * * *")
        } throws: { error in
            guard case DialerCoreError.invalidField(let field, _) = error else { return false }
            return field == "cron"
        }
        #expect(
            throws: DialerCoreError.invalidField(
                field: "calling_hours", reason: "the end 08:00 must be after the start 21:00")
        ) {
            try CallingHours(start: "21:00", end: "08:00")
        }
        #expect(throws: DialerCoreError.self) { try CallingHours(start: "8am", end: "21:00") }
    }
}
