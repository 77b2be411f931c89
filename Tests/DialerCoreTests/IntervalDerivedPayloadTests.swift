import DialerCore
import Testing

@Suite struct IntervalDerivedPayloadTests {
    private static let hash = SHA256Digest.of(Array("seed".utf8))

    /// Payloads across every source, kept and dropped, integral and fractional counts, zero, negative
    /// zero, large counts and campaign ids that need escaping or normalizing.
    private static let samples: [IntervalDerivedPayload] = {
        let campaigns = ["CAMPAIGN_001", "Cafe\u{301} \"Nord\"", "tab\there", "x"]
        let counts: [HourCounts] = [
            HourCounts(attempted: 120, connected: 41, abandoned: 3),
            HourCounts(attempted: 0, connected: 0, abandoned: 0),
            HourCounts(attempted: 12.5, connected: 3.25, abandoned: -0.0),
            HourCounts(attempted: 1e15, connected: 1.0 / 3.0, abandoned: 2),
        ]
        let sources: [DerivedInterval.Source] = [.observed, .interpolated, .filled]
        var samples: [IntervalDerivedPayload] = []
        for (index, campaign) in campaigns.enumerated() {
            for (countIndex, count) in counts.enumerated() {
                for (sourceIndex, source) in sources.enumerated() {
                    let hour = Timestamp(milliseconds: 1_793_577_600_000 + Int64(index * 12 + countIndex) * 3_600_000)
                    samples.append(
                        IntervalDerivedPayload(
                            campaignID: campaign,
                            interval: DerivedInterval(
                                hour: hour, counts: count, source: source,
                                droppedBy: sourceIndex == 1 ? "min_calls" : nil),
                            ruleSet: index == 3 ? "zéro-fill" : "seed", ruleSetHash: hash))
                }
            }
        }
        return samples
    }()

    @Test func writesTheSameBytesAsEncodingItsJSONValue() throws {
        for sample in Self.samples {
            #expect(sample.payload == .canonical(try CanonicalJSON(sample.json)))
        }
    }

    @Test func readsBackWhatItWrote() throws {
        for sample in Self.samples {
            let bytes = try sample.payload.canonical().bytes
            #expect(try IntervalDerivedPayload(json: JSONParser.parse(bytes)) == sample)
        }
    }

    @Test func aCountThatIsNotFiniteFallsBackToTheJSONValue() {
        let sample = IntervalDerivedPayload(
            campaignID: "C1",
            interval: DerivedInterval(
                hour: Timestamp(milliseconds: 0), counts: HourCounts(attempted: .infinity, connected: 0, abandoned: 0),
                source: .observed, droppedBy: nil),
            ruleSet: "seed", ruleSetHash: Self.hash)
        #expect(sample.payload == .value(sample.json))
    }
}
