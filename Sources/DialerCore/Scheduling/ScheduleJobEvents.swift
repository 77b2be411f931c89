import Foundation

/// `ScheduleJobStarted`: what a scheduling job was asked for (its plan without the windows), once per job.
public struct ScheduleJobStarted: RecordedEvent, Hashable {
    public static let storedType = "ScheduleJobStarted"
    /// The job's plan; read back from this event, its windows are empty (`ScheduleWindowsPlanned` holds them).
    public var plan: SchedulePlanned

    /// The start of the job `plan` plans.
    public init(_ plan: SchedulePlanned) { self.plan = plan }

    public var json: JSONValue {
        guard case .object(var fields) = plan.json else { return plan.json }
        fields["windows"] = nil
        fields["outside_calling_hours"] = nil
        return .object(fields)
    }

    public init(json: JSONValue, field: String = "payload") throws {
        guard case .object(var fields) = json else {
            throw DialerCoreError.invalidField(field: field, reason: "must be an object")
        }
        fields["windows"] = []
        fields["outside_calling_hours"] = []
        plan = try SchedulePlanned(json: .object(fields), field: field)
    }
}

/// `ScheduleSubmissionRequested`: a window is about to be submitted (its key and the body sent).
public typealias ScheduleSubmissionRequested = NamedEvent<ScheduleSubmissionRequestedName, ScheduleSubmission>
/// `ScheduleSubmitted`: CXone accepted a window (its schedule id).
public typealias ScheduleSubmitted = NamedEvent<ScheduleSubmittedName, ScheduleSubmission>
/// `ScheduleSubmissionFailed`: CXone did not accept a window (why).
public typealias ScheduleSubmissionFailed = NamedEvent<ScheduleSubmissionFailedName, ScheduleSubmission>
/// `AnalyticsSampled`: one poll of analytics (its pages' rows as received and the running total).
public typealias AnalyticsSampled = NamedEvent<AnalyticsSampledName, CampaignProgress>
/// `CampaignCompleted`: the expected calls completed.
public typealias CampaignCompleted = NamedEvent<CampaignCompletedName, CampaignProgress>
/// `CampaignMonitorTimedOut`: monitoring ended before the expected calls completed.
public typealias CampaignMonitorTimedOut = NamedEvent<CampaignMonitorTimedOutName, CampaignProgress>

/// The stored name of `ScheduleSubmissionRequested`.
public enum ScheduleSubmissionRequestedName: StoredTypeName {
    public static let storedType = "ScheduleSubmissionRequested"
}
/// The stored name of `ScheduleSubmitted`.
public enum ScheduleSubmittedName: StoredTypeName { public static let storedType = "ScheduleSubmitted" }
/// The stored name of `ScheduleSubmissionFailed`.
public enum ScheduleSubmissionFailedName: StoredTypeName { public static let storedType = "ScheduleSubmissionFailed" }
/// The stored name of `AnalyticsSampled`.
public enum AnalyticsSampledName: StoredTypeName { public static let storedType = "AnalyticsSampled" }
/// The stored name of `CampaignCompleted`.
public enum CampaignCompletedName: StoredTypeName { public static let storedType = "CampaignCompleted" }
/// The stored name of `CampaignMonitorTimedOut`.
public enum CampaignMonitorTimedOutName: StoredTypeName { public static let storedType = "CampaignMonitorTimedOut" }

extension ScheduleSubmission: EventBody {}
extension CampaignProgress: EventBody {}
