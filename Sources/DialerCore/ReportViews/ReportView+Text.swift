extension ReportView {
    /// One line about `campaign` for a person: its figures, its compliance and its hours.
    public func summary(_ campaign: Campaign) -> String {
        let series = campaign.series
        let decimals = ruleSet.rateDecimals
        let windows = campaign.compliance.map { window in
            "\(window.hours == 24 ? "24 h" : "30 d") \(window.verdict.text)"
        }
        return "\(series.campaignID): \(ReportText.count(series.counts.attempted)) attempts, "
            + "\(ReportText.count(series.counts.connected)) connects "
            + "(contact rate \(ReportText.percent(series.rates.contactRate, decimals: decimals))), "
            + "\(ReportText.count(series.counts.abandoned)) abandoned "
            + "(abandonment rate \(ReportText.percent(series.rates.abandonmentRate, decimals: decimals)), "
            + "compliance abandonment rate \(ReportText.percent(series.rates.complianceAbandonmentRate, decimals: decimals))); "
            + "compliance \(campaign.verdict.text) (\(windows.joined(separator: ", "))); "
            + "hours: \(series.observed) observed, \(series.interpolated) interpolated, \(series.filled) filled, "
            + "\(series.dropped) dropped"
    }

    /// The rule set in words: its id and what it does.
    public var ruleSetText: String {
        "\(ruleSet.id) (min calls \(ReportText.count(ruleSet.minCalls)), gap fill \(ruleSet.gapFill.rawValue), "
            + "edge gaps \(ruleSet.edgeGaps.rawValue), negative counts \(ruleSet.negativeCounts.rawValue), "
            + "rates to \(ruleSet.rateDecimals) decimals, compliance threshold "
            + "\(ReportText.percent(ruleSet.complianceThreshold, decimals: ruleSet.rateDecimals)))"
    }

    /// A slot's label for a person: `2026-11-30 01:00 +01:00` (`UTC` for Z).
    public func hourText(_ slot: Int) -> String {
        let label = Array(slots[slot].label)
        let offset = String(label[19...])
        return String(label[0..<10]) + " " + String(label[11..<16]) + " " + (offset == "Z" ? "UTC" : offset)
    }
}
