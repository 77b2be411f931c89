/// `ReportLinkRequested`: a link to the report is about to be signed (the signing time and lifetime asked).
public typealias ReportLinkRequested = NamedEvent<ReportLinkRequestedName, ReportLink>
/// `ReportLinkIssued`: the link was signed; `expiresAt` is the real expiry.
public typealias ReportLinkIssued = NamedEvent<ReportLinkIssuedName, ReportLink>
/// `ReportEmailed`: the mail server accepted the message (`result` is `accepted`).
public typealias ReportEmailed = NamedEvent<ReportEmailedName, ReportEmailOutcome>
/// `ReportEmailFailed`: the message was not sent, was refused, or its fate is unknown.
public typealias ReportEmailFailed = NamedEvent<ReportEmailFailedName, ReportEmailOutcome>

/// The stored name of `ReportLinkRequested`.
public enum ReportLinkRequestedName: StoredTypeName { public static let storedType = "ReportLinkRequested" }
/// The stored name of `ReportLinkIssued`.
public enum ReportLinkIssuedName: StoredTypeName { public static let storedType = "ReportLinkIssued" }
/// The stored name of `ReportEmailed`.
public enum ReportEmailedName: StoredTypeName { public static let storedType = "ReportEmailed" }
/// The stored name of `ReportEmailFailed`.
public enum ReportEmailFailedName: StoredTypeName { public static let storedType = "ReportEmailFailed" }

extension ReportLink: EventBody {}
extension ReportEmailOutcome: EventBody {
    /// The outcome as its event: `ReportEmailed` when accepted, else `ReportEmailFailed`.
    public var event: any RecordedEvent { result == .accepted ? ReportEmailed(self) : ReportEmailFailed(self) }
}
