import DialerCore
import Testing

/// Which lapsed tick claims another runner takes over, from the recorded ticks and the ends of their runs.
@Suite struct CronTickClaimsTests {
    private let scheduled = Timestamp(milliseconds: 1_790_000_000_000)
    private let lease = Duration.seconds(600)
    private let deadline = Duration.seconds(300)

    private func claim(attempt: Int = 1, until: Int64? = 600_000) -> CronTickHandled {
        CronTickHandled(
            job: "j", scheduledAt: scheduled, outcome: .run, attempt: attempt,
            claimedUntil: until.map { Timestamp(milliseconds: scheduled.milliseconds + $0) })
    }

    private func at(_ milliseconds: Int64) -> Timestamp {
        Timestamp(milliseconds: scheduled.milliseconds + milliseconds)
    }

    @Test func aClaimIsHeldUntilItsLeaseThenTakenOverWithTheNextAttempt() {
        var claims = CronTickClaims()
        claims.apply(claim())
        #expect(claims.takeovers(now: at(599_999), lease: lease, startingDeadline: deadline).isEmpty)
        #expect(claims.held(at: at(599_999)))
        let taken = claims.takeovers(now: at(600_000), lease: lease, startingDeadline: deadline)
        #expect(taken == [claim(attempt: 2, until: 1_200_000)])
        #expect(taken.first?.idempotencyKey == "cron:j:\(scheduled.rfc3339):attempt:2")
        #expect(!claims.held(at: at(600_000)))
    }

    @Test func theNewestAttemptDecidesAndAnEndedRunIsNeverTakenOver() {
        var claims = CronTickClaims()
        claims.apply(claim(attempt: 2, until: 1_200_000))
        claims.apply(claim())
        #expect(claims.takeovers(now: at(900_000), lease: lease, startingDeadline: deadline).isEmpty)
        claims.ended.insert(scheduled)
        #expect(claims.takeovers(now: at(2_000_000), lease: lease, startingDeadline: deadline).isEmpty)
        #expect(!claims.held(at: at(0)))
    }

    @Test func aClaimLapsedPastTheStartingDeadlineIsRecordedMissed() {
        var claims = CronTickClaims()
        claims.apply(claim())
        let taken = claims.takeovers(now: at(900_001), lease: lease, startingDeadline: deadline)
        #expect(taken.map(\.outcome) == [.missed] && taken.first?.attempt == 2 && taken.first?.claimedUntil == nil)
    }

    @Test func aRenewedClaimLapsesALeaseAfterItsLastRenewalAndOnlyItsOwnAttemptRenewsIt() throws {
        var claims = CronTickClaims()
        // Read newest first, as the runner reads the job's stream: the renewals before the claim.
        claims.apply(CronTickClaimRenewed(claim(), until: at(1_000_000)))
        claims.apply(CronTickClaimRenewed(claim(), until: at(800_000)))
        claims.apply(CronTickClaimRenewed(claim(attempt: 2), until: at(5_000_000)))
        claims.apply(claim())
        #expect(claims.lapse(of: claim()) == at(1_000_000))
        #expect(claims.takeovers(now: at(999_999), lease: lease, startingDeadline: deadline).isEmpty)
        #expect(claims.held(at: at(999_999)))
        let taken = claims.takeovers(now: at(1_000_000), lease: lease, startingDeadline: deadline)
        #expect(taken == [claim(attempt: 2, until: 1_600_000)], "a crashed renewer's claim is still taken over")
        let stored = CronTickClaimRenewed(claim(attempt: 3), until: at(1))
        #expect(try CronTickClaimRenewed(json: stored.json) == stored)
        #expect(stored.claimKey == claim(attempt: 3).idempotencyKey)
    }

    @Test func claimsFromBeforeLeasesAndOtherOutcomesAreLeftAlone() throws {
        var claims = CronTickClaims()
        claims.apply(claim(until: nil))
        #expect(claims.takeovers(now: at(10_000_000), lease: lease, startingDeadline: deadline).isEmpty)
        let stored = try CronTickHandled(json: claim(attempt: 3).json)
        #expect(stored == claim(attempt: 3), "attempt and claimed_until survive the payload")
        #expect(try CronTickHandled(json: claim(until: nil).json).attempt == 1)
    }
}
