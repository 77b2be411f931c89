import CXone
import DialerCore

/// `schedule run` against a real tenant (the `cxone` profile): CXone has no per-contact schedule submission,
/// and what it does offer places real calls, so nothing is planned, recorded or sent.
public struct SchedulingRefusal: CategorizedError, Equatable {
    /// The profile in use.
    public var profile: String

    public var description: String {
        "schedule run: CXONE_PROFILE=\(profile) has no per-contact schedule submission. A real CXone tenant offers "
            + "starting and stopping a Personal Connection skill (PATCH /skills/{skillId}/status, which places real "
            + "calls) and uploading call lists (POST /lists/call-lists/{listId}/upload); DialerLedger does neither. "
            + "Use `schedule plan` to see the windows, or the seed profile (the simulator) to try scheduling"
    }

    public var category: ErrorCategory { .invalid(field: "CXONE_PROFILE") }

    /// Throws when `configuration` is a real tenant's.
    public static func check(_ configuration: CXoneConfiguration) throws(SchedulingRefusal) {
        if configuration.profile == .cxone { throw SchedulingRefusal(profile: configuration.profile.rawValue) }
    }
}
