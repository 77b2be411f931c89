import ArgumentParser
import DialerCore
import Pipelines

/// `dialer-ledger sample`: appends realistic synthetic report-run events.
struct SampleCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Append realistic synthetic report-run events (demo, benchmarks, crash tests).",
        discussion: """
            Each batch is one simulated run for one campaign-day, appended in one transaction. Every \
            event has an idempotency key built from --tag, so running the same command again appends \
            nothing twice.
            """
    )

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Names this sample; events of one tag are written at most once.") var tag = "demo"
    @Option(help: "How many batches (runs).") var batches = 6
    @Option(name: .customLong("batch-size"), help: "Events per batch (run).") var batchSize = 27
    @Option(help: "Campaign ids, comma-separated.") var campaigns = "CAMPAIGN_001,CAMPAIGN_002,CAMPAIGN_003"
    @Option(
        name: .customLong("first-day"), help: ArgumentHelp("UTC date of the first run's day.", valueName: "DATE"))
    var firstDay = "2026-11-02"
    @Flag(help: "Also record a scheduling job's effects in each batch (audit rows, completion counts).")
    var effects = false

    func validate() throws {
        guard batches >= 0 else { throw ValidationError("--batches: must be 0 or more, got \(batches)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size: must be 1 or more, got \(batchSize)") }
        guard !campaignList.isEmpty else { throw ValidationError("--campaigns: name at least one campaign") }
        do {
            _ = try Timestamp(parsing: firstDay, in: .gmt, field: "--first-day")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private var campaignList: [String] { campaigns.split(separator: ",").map(String.init) }

    func run() async throws {
        try await reportingErrors {
            let day = try Timestamp(parsing: firstDay, in: .gmt, field: "--first-day").milliseconds / 86_400_000
            let sample = SampleEvents(
                tag: tag, campaigns: campaignList, batchSize: batchSize, firstDay: day, effects: effects)
            try await data.withLog(needs: .writing) { log in
                var appended = 0
                var existing = 0
                for batch in 0..<batches {
                    for result in try await log.append(sample.batch(batch)) {
                        if case .appended = result { appended += 1 } else { existing += 1 }
                    }
                }
                print(
                    "sample \"\(tag)\": appended \(appended) events in \(batches) batches"
                        + (existing > 0 ? " (\(existing) already in the log)" : "")
                        + "; log holds \(try await log.lastSequence()) events at \(data.logDescription)")
            }
        }
    }
}
