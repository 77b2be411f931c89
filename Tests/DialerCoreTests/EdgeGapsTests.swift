import DialerCore
import Testing

/// `gap_fill` fills the hours between two observed hours; `edge_gaps` the hours before the first and after
/// the last, whatever `gap_fill` is. The window is h0..<h8 with rows at h2 (100/30/2) and h5 (130/60/5):
/// h0 and h1 lead, h3 and h4 are inside, h6 and h7 trail. `min_calls` is 0 so every hour shows.
@Suite struct EdgeGapsTests {
    private static let h0 = Timestamp(milliseconds: 1_795_478_400_000)  // 2026-11-24T00:00:00Z

    private static func hour(_ n: Int) -> Timestamp { Timestamp(milliseconds: h0.milliseconds + Int64(n) * 3_600_000) }

    private static let rows = [
        ObservedHour(hour: hour(2), counts: HourCounts(attempted: 100, connected: 30, abandoned: 2)),
        ObservedHour(hour: hour(5), counts: HourCounts(attempted: 130, connected: 60, abandoned: 5)),
    ]

    private static func derive(
        _ rows: [ObservedHour], gapFill: RuleSet.GapFill, edgeGaps: RuleSet.EdgeGaps
    ) -> [String] {
        var rules = RuleSet(id: "matrix")
        rules.minCalls = 0
        rules.gapFill = gapFill
        rules.edgeGaps = edgeGaps
        return IntervalDeriver.derive(rows, from: hour(0), to: hour(8), rules: rules).map { interval in
            let c = interval.counts
            let n = (interval.hour.milliseconds - h0.milliseconds) / 3_600_000
            return "h\(n) \(c.attempted)/\(c.connected)/\(c.abandoned) \(interval.source)"
        }
    }

    /// The leading hours (h0, h1) under each edge rule.
    private static let leading: [RuleSet.EdgeGaps: [String]] = [
        .hold: ["h0 100.0/30.0/2.0 filled", "h1 100.0/30.0/2.0 filled"],
        .omit: [],
        .zero: ["h0 0.0/0.0/0.0 filled", "h1 0.0/0.0/0.0 filled"],
    ]

    /// The trailing hours (h6, h7) under each edge rule.
    private static let trailing: [RuleSet.EdgeGaps: [String]] = [
        .hold: ["h6 130.0/60.0/5.0 filled", "h7 130.0/60.0/5.0 filled"],
        .omit: [],
        .zero: ["h6 0.0/0.0/0.0 filled", "h7 0.0/0.0/0.0 filled"],
    ]

    /// The inner hours (h3, h4) under each gap rule: linear is a third and two thirds of the way from
    /// 100/30/2 to 130/60/5.
    private static let inner: [RuleSet.GapFill: [String]] = [
        .linear: ["h3 110.0/40.0/3.0 interpolated", "h4 120.0/50.0/4.0 interpolated"],
        .zero: ["h3 0.0/0.0/0.0 filled", "h4 0.0/0.0/0.0 filled"],
        .previous: ["h3 100.0/30.0/2.0 filled", "h4 100.0/30.0/2.0 filled"],
        .none: [],
    ]

    @Test(arguments: RuleSet.GapFill.allCases, RuleSet.EdgeGaps.allCases)
    func edgesFollowEdgeGapsAndInnerHoursGapFill(gapFill: RuleSet.GapFill, edgeGaps: RuleSet.EdgeGaps) throws {
        let expected =
            try #require(Self.leading[edgeGaps]) + ["h2 100.0/30.0/2.0 observed"] + (try #require(Self.inner[gapFill]))
            + ["h5 130.0/60.0/5.0 observed"] + (try #require(Self.trailing[edgeGaps]))
        #expect(Self.derive(Self.rows, gapFill: gapFill, edgeGaps: edgeGaps) == expected)
    }

    @Test(arguments: RuleSet.GapFill.allCases)
    func withoutObservationsOnlyZeroEdgesShowHours(gapFill: RuleSet.GapFill) {
        #expect(Self.derive([], gapFill: gapFill, edgeGaps: .hold).isEmpty, "nothing to hold")
        #expect(Self.derive([], gapFill: gapFill, edgeGaps: .omit).isEmpty)
        #expect(
            Self.derive([], gapFill: gapFill, edgeGaps: .zero) == (0..<8).map { "h\($0) 0.0/0.0/0.0 filled" })
    }

    @Test func zeroFillRecordsTheZeroEdgesItApplies() throws {
        #expect(RuleSet.zeroFill.gapFill == .zero && RuleSet.zeroFill.edgeGaps == .zero)
        #expect(RuleSet.zeroFill.version == 2, "its content changed from version 1 (edge_gaps hold)")
        #expect(
            Self.derive(Self.rows, gapFill: .zero, edgeGaps: .zero).map { $0.hasSuffix("filled") } == [
                true, true, false, true, true, false, true, true,
            ])
        for rules in RuleSet.builtIn.values {
            let activated = try RuleSetActivated(json: RuleSetActivated(rules).json)
            #expect(activated.ruleSet == rules && activated.ruleSet.hash == rules.hash)
        }
    }

    @Test func edgeGapsZeroIsReadAndWritten() throws {
        let rules = try RuleSet(json: ["id": "z", "version": 1, "gap_fill": "none", "edge_gaps": "zero"])
        #expect(rules.edgeGaps == .zero && rules.gapFill == .none)
        #expect(rules.document["edge_gaps"] == "zero")
        #expect(try RuleSet(json: rules.document) == rules)
    }
}
