/// `CronTickClaimRenewed`: the runner of a tick's claim (`CronTickHandled` with outcome `run`) is still
/// running it and holds the claim until `claimedUntil`. Recorded every third of the job's lease while the
/// run goes on, so a run longer than the lease is not taken over; a crashed runner renews nothing, and its
/// claim lapses a lease after its last renewal. In the job's stream, without an idempotency key.
public struct CronTickClaimRenewed: RecordedEvent, Hashable {
    public static let storedType = "CronTickClaimRenewed"
    public var job: String
    public var scheduledAt: Timestamp
    /// The attempt whose claim is renewed (a takeover's renewals do not renew the claim it took over).
    public var attempt: Int
    /// When the claim now lapses if the run has not ended.
    public var claimedUntil: Timestamp

    /// The renewal of `claim` until `claimedUntil`.
    public init(_ claim: CronTickHandled, until claimedUntil: Timestamp) {
        (job, scheduledAt, attempt, self.claimedUntil) = (claim.job, claim.scheduledAt, claim.attempt, claimedUntil)
    }

    /// The idempotency key of the claim renewed.
    public var claimKey: String {
        CronTickHandled(job: job, scheduledAt: scheduledAt, outcome: .run, attempt: attempt).idempotencyKey
    }

    /// As stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "job": .string(job), "scheduled_at": .string(scheduledAt.rfc3339),
            "claimed_until": .string(claimedUntil.rfc3339),
        ]
        if attempt > 1 { fields["attempt"] = .int(Int64(attempt)) }
        return .object(fields)
    }

    /// Reads a stored payload.
    public init(json: JSONValue, field: String = "payload") throws {
        let read = PayloadReader(json, field: field)
        let attempt = json["attempt"] == nil ? 1 : try read.int("attempt")
        guard attempt >= 1 else { throw read.fail("attempt", "must be 1 or more") }
        let claim = CronTickHandled(
            job: try read.string("job"), scheduledAt: try read.instant("scheduled_at"), outcome: .run,
            attempt: Int(attempt))
        self.init(claim, until: try read.instant("claimed_until"))
    }
}
