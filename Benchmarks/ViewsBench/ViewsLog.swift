import Foundation

/// The benchmark's log: `sample` events with real report runs (published) and scheduling jobs spread
/// through it, written by the `dialer-ledger` command as a user would. Built once per size and generator
/// version into the cache and reused; an interrupted build is never reused.
struct ViewsLog {
    /// Bumped whenever what the generator writes changes, so an old cached log is not reused.
    static let generatorVersion = 2
    /// Real runs (and their sample stretches) at most; fewer for small logs.
    static let maxRounds = 40
    /// The campaigns the real runs and jobs rotate through (the embedded simulator knows them).
    static let campaigns = ["CAMPAIGN_001", "CAMPAIGN_002", "CAMPAIGN_003"]

    /// The data folder (`log/` holds the LMDB log).
    let folder: String
    /// How the log was built, as `built.txt` records it.
    let description: String

    /// The log of about `events` events in `cache`: reused if built before, else built with `cli`.
    static func prepare(events: Int, cache: String, cli: CLI, contacts: String) async throws -> ViewsLog {
        let folder = "\(cache)/views-\(events)-v\(generatorVersion)"
        let record = folder + "/built.txt"
        if let built = try? String(contentsOfFile: record, encoding: .utf8) {
            return ViewsLog(folder: folder, description: "reused \(folder): " + built)
        }
        let building = folder + ".building"
        try? FileManager.default.removeItem(atPath: building)
        try FileManager.default.createDirectory(atPath: building, withIntermediateDirectories: true)
        let start = Date()
        let plan = Plan(events: events)
        status("== building \(folder): \(plan.summary) (log of the commands: \(building)/build.log)")
        for round in 0..<plan.rounds {
            try await plan.write(round: round, into: building, cli: cli, contacts: contacts)
            status("   round \(round + 1) of \(plan.rounds) written")
        }
        let seconds = Int(Date().timeIntervalSince(start))
        let built =
            "built \(ISO8601DateFormatter().string(from: start)) in \(seconds) s by generator v\(generatorVersion): "
            + plan.summary
        try Data((built + "\n").utf8).write(to: URL(fileURLWithPath: building + "/built.txt"))
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.moveItem(atPath: building, toPath: folder)
        return ViewsLog(folder: folder, description: "built \(folder): " + built)
    }

    /// How the events are spread: `rounds` rounds, each a stretch of `sample` events then one report run
    /// of one campaign, published, then one scheduling job for that campaign.
    struct Plan {
        let rounds: Int
        let batches: Int
        let batchSize: Int

        init(events: Int) {
            rounds = min(max(events / 250_000, 2), ViewsLog.maxRounds)
            let perRound = max(events / rounds, 1)
            batchSize = min(perRound, 5_000)
            batches = max(perRound / batchSize, 1)
        }

        var summary: String {
            "\(rounds) rounds, each for one campaign (\(ViewsLog.campaigns.joined(separator: ", ")) in turn): "
                + "`sample` \(batches) × \(batchSize) events, then a report run published with `--publish`, then a "
                + "scheduling job (embedded simulator, contacts in 6 zones)"
        }

        /// Round `round`: its sample stretch, its report run and its scheduling job.
        func write(round: Int, into folder: String, cli: CLI, contacts: String) async throws {
            let campaign = ViewsLog.campaigns[round % ViewsLog.campaigns.count]
            let day = Calendar(identifier: .gregorian).date(
                byAdding: .day, value: round, to: Date(timeIntervalSince1970: 1_780_272_000))!  // 2026-06-01
            let from = String(ISO8601DateFormatter().string(from: day).prefix(10))
            let to = String(ISO8601DateFormatter().string(from: day.addingTimeInterval(86_400)).prefix(10))
            let log = folder + "/build.log"
            try await cli.run(
                [
                    "sample", "--data", folder, "--tag", "views-\(round)", "--batches", "\(batches)", "--batch-size",
                    "\(batchSize)", "--campaigns", campaign,
                ], log: log)
            try await cli.run(
                [
                    "report", "run", "--data", folder, "--campaigns", campaign, "--from", from, "--to", to, "--tz",
                    "UTC",
                    "--publish", "--email", "ops@example.com",
                ], log: log)
            // A job is its request: a cron of its own per round makes each round's job a new one.
            try await cli.run(
                [
                    "schedule", "run", "--data", folder, "--campaign", campaign, "--cron",
                    "\(round % 60) \(9 + round / 60 % 8) * * *", "--contacts", contacts, "--expected", "8",
                    "--poll-interval", "1s", "--timeout", "2m",
                ], log: log)
        }
    }
}

/// Prints a progress line on standard error.
func status(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
