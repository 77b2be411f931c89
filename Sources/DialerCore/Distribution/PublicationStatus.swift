/// Where a report's publication stands, as a person is told it: one word and a short detail.
public struct PublicationStatus: Sendable, Hashable {
    /// The stage.
    public enum State: String, Sendable, CaseIterable {
        /// Nobody asked for the report to be published.
        case notRequested = "not_requested"
        /// Asked for; not everything stored yet (the JSON, the page and the CSV).
        case pending
        /// The last upload failed (or was refused); the next publish tries again.
        case uploadFailed = "upload_failed"
        /// Stored and linked; e-mails still to send or to settle.
        case emailing
        /// Stored, linked and every e-mail accepted by the mail server.
        case published
        /// Finished, but some e-mail was refused, given up or has an unknown outcome.
        case publishedWithProblems = "published_with_problems"
    }

    public var state: State
    /// Where it is stored, when it is.
    public var address: ObjectAddress?
    /// Where each representation is confirmed stored (the JSON's is `address` once uploaded).
    public var stored: [ReportFormat: ObjectAddress] = [:]
    /// Recipients whose e-mail the mail server accepted, of all planned.
    public var emailed: Int
    public var recipients: Int
    /// What remains or went wrong, in a few words.
    public var detail: String

    /// The status of `publication` (the maximum of attempts as configured).
    public init(_ publication: Publication, maxEmailAttempts: Int) {
        let recipients = publication.recipients
        let finals = recipients.compactMap { publication.emails[$0.lowercased()]?.final }
        address = publication.uploaded?.address ?? publication.requested?.address
        self.recipients = recipients.count
        emailed = finals.filter { $0.result == .accepted }.count
        var stored: [ReportFormat: ObjectAddress] = [:]
        stored[.json] = publication.uploaded?.address
        for format in ReportFormat.companions { stored[format] = publication.companion(format)?.uploaded?.address }
        self.stored = stored
        let lastFailure = publication.uploadFailures.last { $0.address == publication.requested?.address }
        let missing = ReportFormat.companions.filter { stored[$0] == nil }
        let companionFailure = missing.lazy.compactMap { format in
            publication.requested.flatMap { plan in
                publication.uploadFailures.last { $0.address == plan.address.companion(format) }
            }
        }.first
        if publication.requested == nil && publication.publicationRequested == nil {
            (state, detail) = (.notRequested, "")
        } else if publication.uploaded == nil {
            (state, detail) =
                lastFailure.map { (.uploadFailed, $0.reason) } ?? (.pending, "not stored yet")
        } else if !missing.isEmpty {
            (state, detail) =
                companionFailure.map { (.uploadFailed, "the \($0.representation.noun): \($0.reason)") }
                ?? (
                    .pending,
                    "the \(missing.map(\.noun).joined(separator: " and the ")) \(missing.count == 1 ? "is" : "are") "
                        + "not stored yet"
                )
        } else if !publication.isComplete(maxEmailAttempts: maxEmailAttempts) {
            (state, detail) = (.emailing, "\(emailed) of \(recipients.count) e-mailed")
        } else if emailed == recipients.count {
            (state, detail) = (.published, "\(emailed) of \(recipients.count) e-mailed")
        } else {
            let problems = recipients.filter { publication.emails[$0.lowercased()]?.final?.result != .accepted }
            (state, detail) = (.publishedWithProblems, "not e-mailed: \(problems.joined(separator: ", "))")
        }
    }

    /// As the API and `report list --format json` show it.
    public var json: JSONValue {
        [
            "state": .string(state.rawValue), "object": address.map { .string($0.description) } ?? .null,
            "objects": .object(
                Dictionary(
                    uniqueKeysWithValues: ReportFormat.allCases.map { format in
                        (format.rawValue, stored[format].map { .string($0.description) } ?? .null)
                    })),
            "emailed": .int(Int64(emailed)), "recipients": .int(Int64(recipients)), "detail": .string(detail),
        ]
    }
}
