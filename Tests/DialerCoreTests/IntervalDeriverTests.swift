import DialerCore
import Testing

@Suite struct IntervalDeriverTests {
    private static let h0 = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z

    private static func hour(_ n: Int) -> Timestamp { Timestamp(milliseconds: h0.milliseconds + Int64(n) * 3_600_000) }

    private static func row(_ n: Int, _ attempted: Double, _ connected: Double, _ abandoned: Double) -> ObservedHour {
        ObservedHour(
            hour: hour(n), counts: HourCounts(attempted: attempted, connected: connected, abandoned: abandoned))
    }

    private static let rows = [row(4, 130, 60, 5), row(1, 100, 30, 2)]  // unsorted on purpose

    private func derive(_ rows: [ObservedHour] = rows, _ adjust: (inout RuleSet) -> Void = { _ in }) -> [String] {
        var rules = RuleSet.seed
        adjust(&rules)
        return IntervalDeriver.derive(rows, from: Self.hour(0), to: Self.hour(6), rules: rules).map { interval in
            let c = interval.counts
            let hour = (interval.hour.milliseconds - Self.h0.milliseconds) / 3_600_000
            return
                "h\(hour) \(c.attempted) \(c.connected) \(c.abandoned) \(interval.source) \(interval.droppedBy ?? "kept")"
        }
    }

    @Test func linearFillsBetweenNeighboursAndHoldsTheEdges() {
        #expect(
            derive() == [
                "h0 100.0 30.0 2.0 filled kept", "h1 100.0 30.0 2.0 observed kept",
                "h2 110.0 40.0 3.0 interpolated kept", "h3 120.0 50.0 4.0 interpolated kept",
                "h4 130.0 60.0 5.0 observed kept", "h5 130.0 60.0 5.0 filled kept",
            ])
    }

    @Test func edgesCanBeLeftOut() {
        #expect(derive { $0.edgeGaps = .omit }.map { String($0.prefix(2)) } == ["h1", "h2", "h3", "h4"])
    }

    @Test func zeroFillMakesMissingHoursEmptyAndTheMinimumDropsThem() {
        #expect(
            derive { $0 = .zeroFill } == [
                "h0 0.0 0.0 0.0 filled min_calls", "h1 100.0 30.0 2.0 observed kept", "h2 0.0 0.0 0.0 filled min_calls",
                "h3 0.0 0.0 0.0 filled min_calls", "h4 130.0 60.0 5.0 observed kept", "h5 0.0 0.0 0.0 filled min_calls",
            ])
    }

    @Test func previousCarriesTheLastObservedHourForward() {
        #expect(
            derive { $0.gapFill = .previous } == [
                "h0 100.0 30.0 2.0 filled kept", "h1 100.0 30.0 2.0 observed kept", "h2 100.0 30.0 2.0 filled kept",
                "h3 100.0 30.0 2.0 filled kept", "h4 130.0 60.0 5.0 observed kept", "h5 130.0 60.0 5.0 filled kept",
            ])
    }

    @Test func noneLeavesMissingHoursOut() {
        #expect(
            derive {
                $0.gapFill = .none
                $0.edgeGaps = .omit
            } == ["h1 100.0 30.0 2.0 observed kept", "h4 130.0 60.0 5.0 observed kept"])
    }

    @Test func aRejectedNegativeRowIsDroppedAndFillsNothing() {
        let rows = Self.rows + [Self.row(2, 200, 90, -1)]
        #expect(
            derive(rows) == [
                "h0 100.0 30.0 2.0 filled kept", "h1 100.0 30.0 2.0 observed kept",
                "h2 200.0 90.0 -1.0 observed negative_counts", "h3 120.0 50.0 4.0 interpolated kept",
                "h4 130.0 60.0 5.0 observed kept", "h5 130.0 60.0 5.0 filled kept",
            ])
    }

    @Test func aClampedNegativeRowIsKeptAtZeroAndAnchorsItsNeighbours() {
        let rows = Self.rows + [Self.row(2, 200, 90, -1)]
        let derived = derive(rows) { $0.negativeCounts = .clamp }
        #expect(derived[2] == "h2 200.0 90.0 0.0 observed kept")
        #expect(derived[3] == "h3 165.0 75.0 2.5 interpolated kept")
    }

    @Test func theMinimumVolumeDropsQuietHoursAndTheLaterOfTwoRowsWins() {
        let rows = [Self.row(1, 100, 30, 2), Self.row(1, 19, 5, 0), Self.row(4, 20, 5, 0)]
        let derived = derive(rows) {
            $0.gapFill = .none
            $0.edgeGaps = .omit
        }
        #expect(derived == ["h1 19.0 5.0 0.0 observed min_calls", "h4 20.0 5.0 0.0 observed kept"])
    }

    @Test func noRowsMeansNothingToHold() {
        #expect(derive([]).isEmpty)
        #expect(derive([]) { $0 = .zeroFill }.count == 6)
    }

    @Test func aLongSeriesIsDerivedHourByHour() {
        let hours = 87_600
        let rows = stride(from: 0, to: hours, by: 5).map { Self.row($0, 100, 40, 3) }
        let derived = IntervalDeriver.derive(rows, from: Self.hour(0), to: Self.hour(hours), rules: .seed)
        #expect(derived.count == hours)
        #expect(derived.filter { $0.source == .interpolated }.count == hours / 5 * 4 - 4)
    }
}

@Suite struct HourRatesTests {
    @Test func ratesAreRoundedToFourDecimalsFromCounts() {
        let rates = HourRates(HourCounts(attempted: 1_000, connected: 200, abandoned: 8), decimals: 4)
        #expect(rates.contactRate == 0.2)
        #expect(rates.abandonmentRate == 0.008)
        #expect(rates.complianceAbandonmentRate == 0.0385)  // 8 / 208, what regulators count
        #expect(rates.reason == nil)
        #expect(HourRates(HourCounts(attempted: 3, connected: 1, abandoned: 0), decimals: 4).contactRate == 0.3333)
        #expect(HourRates(HourCounts(attempted: 8, connected: 5, abandoned: 0), decimals: 2).contactRate == 0.63)
    }

    @Test func zeroDenominatorsGiveNoRateAndAReason() {
        let none = HourRates(.zero, decimals: 4)
        #expect(none.contactRate == nil && none.abandonmentRate == nil && none.complianceAbandonmentRate == nil)
        #expect(none.reason == "no attempts")
        let unanswered = HourRates(HourCounts(attempted: 50, connected: 0, abandoned: 0), decimals: 4)
        #expect(unanswered.contactRate == 0 && unanswered.complianceAbandonmentRate == nil)
        #expect(unanswered.reason == "no live answers")
    }
}

@Suite struct RuleSetTests {
    @Test func readsADocumentAndRoundTrips() throws {
        let rules = try RuleSet(json: [
            "id": "strict", "version": 2, "min_calls": 50, "gap_fill": "previous", "edge_gaps": "omit",
        ])
        #expect(rules.minCalls == 50 && rules.gapFill == .previous && rules.edgeGaps == .omit)
        #expect(try RuleSet(json: rules.document) == rules)
        #expect(RuleSet.seed.hash != RuleSet.zeroFill.hash)
        #expect(RuleSet.builtIn["zero-fill"]?.gapFill == .zero)
    }

    static let badDocuments: [(JSONValue, String)] = [
        (["id": "x", "version": 1, "gap": "linear"], "rule_set.gap"),
        (["id": "x", "version": 1, "gap_fill": "cubic"], "rule_set.gap_fill"),
        (["id": "x", "version": 0], "rule_set.version"),
        (["version": 1], "rule_set.id"),
        (["id": "x", "version": 1, "min_calls": -1], "rule_set.min_calls"),
        (["id": "x", "version": 1, "compliance_threshold": 3], "rule_set.compliance_threshold"),
        ([1, 2], "rule_set"),
    ]

    @Test(arguments: badDocuments)
    func aBadDocumentNamesTheOption(document: JSONValue, field: String) {
        let error = #expect(throws: DialerCoreError.self) { try RuleSet(json: document) }
        if case .invalidField(let named, _)? = error {
            #expect(named == field)
        } else {
            Issue.record("\(String(describing: error))")
        }
    }
}
