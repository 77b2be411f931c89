import DialerCore

extension CronRunner {
    /// Runs job `id`'s tick for `scheduledAt` now, on the cron path: the same claim (its idempotency key is the
    /// job and the scheduled time, so a tick runs once whoever asks), the same request, run and publication,
    /// with the run's trigger `manual`. Throws naming the known jobs when there is no job `id`, and refuses a
    /// scheduled time after `now` (a future tick would make the runners pass over the ones before it).
    public func runNow(job id: String, scheduledAt: Timestamp) async throws -> ManualTick {
        guard let job = jobs.first(where: { $0.id == id }) else {
            let known = jobs.map(\.id).joined(separator: ", ")
            throw DialerCoreError.invalidField(
                field: "job", reason: "no job \"\(id)\" is configured (known: \(known.isEmpty ? "none" : known))")
        }
        let moment = now()
        guard scheduledAt <= moment else {
            throw DialerCoreError.invalidField(
                field: "at",
                reason: "\(scheduledAt.rfc3339) is in the future; a tick runs at or before now (\(moment.rfc3339))")
        }
        let claims = try await recentClaims(job, now: moment)
        let claim = CronTickHandled(
            job: id, scheduledAt: scheduledAt, outcome: .run, claimedUntil: moment.adding(job.lease))
        switch try await take(job, claim: claim, heldElsewhere: claims.held(at: moment), trigger: .manual) {
        case .run(let request):
            return .ran(try await execute(job, request, scheduledAt: scheduledAt))
        case .skipped:
            return .skippedOverlap
        case .handledElsewhere:
            return .alreadyHandled(try await recordedTick(claim))
        }
    }

    /// The tick the log holds under `claim`'s idempotency key.
    private func recordedTick(_ claim: CronTickHandled) async throws -> CronTickHandled {
        let found = try await store.withSnapshot { snapshot -> Envelope? in
            guard let seq = try snapshot.sequence(forIdempotencyKey: claim.idempotencyKey) else { return nil }
            return try snapshot.envelope(at: seq)
        }
        guard let found else { return claim }
        return try CronTickHandled(stored: try found.payload.decoded(), seq: found.seq)
    }
}
