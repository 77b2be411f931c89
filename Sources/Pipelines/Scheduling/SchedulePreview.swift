import DialerCore

/// What a `schedule run` would submit now (`schedule plan`): its job, and the windows it would send.
public struct SchedulePreview: Sendable {
    /// The job the run would work on.
    public var job: String
    /// Whether the run would start that job (else it carries it on).
    public var isNew: Bool
    /// The windows it would submit, each with its contacts.
    public var windows: [ScheduleWindow]
    /// Fire times outside calling hours: not submitted.
    public var outside: [OutsideCallingHours]
}
