import AsyncHTTPClient
import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// `schedule run` and `schedule status` as an operator runs them, against `dialer-ledger simulate` in its own
/// process, killed with SIGKILL while CXone holds a schedule whose answer it has not recorded.
@Suite struct ScheduleCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    private func events(_ folder: TemporaryFolder) async throws -> [Envelope] {
        try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events()
    }

    @Test func aJobKilledBetweenASubmissionAndItsOutcomeLeavesOneSchedulePerWindow() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = try contactsFile(folder, "id,timezone\nc1,America/New_York\nc2,Europe/London\nc3,Asia/Kolkata\n")
        // The simulator answers schedule submissions 3 s after it has created them.
        let simulator = try await SimulatorProcess(
            tool: tool, folder: folder, arguments: ["--slow", "3000", "--slow-only", "schedules"])
        defer { simulator.killIfRunning() }
        let (base, environment) = (simulator.baseURL, simulator.environment)
        let arguments = [
            "schedule", "run", "--data", folder.path, "--campaign", "CAMPAIGN_002", "--cron", "0 9 * * *",
            "--contacts", contacts, "--expected", "3", "--poll-interval", "1s", "--timeout", "2m",
        ]
        let progress = folder.appending("first.out")
        let first = try tool.start(arguments, environment: environment, standardOutput: progress)
        // Killed once CXone has the first schedule and before its answer (3 s late) can be recorded.
        _ = try await eventually(timeout: .seconds(60), poll: .milliseconds(20)) { try await schedulePosts(base) > 0 }
        kill(first.processIdentifier, SIGKILL)
        try await waitForExit(first)
        let atKill = try await events(folder)
        #expect(atKill.last?.type == "ScheduleSubmissionRequested", "killed with a submission in flight")
        // On a busy machine the kill may come after an answer or two: the resumed run sends what is left.
        let postsAtKill = try await schedulePosts(base)
        let submittedAtKill = atKill.count { $0.type == "ScheduleSubmitted" }
        // Progress is written line by line: what the killed run had said is there, though it never exited.
        let said = try String(contentsOfFile: progress, encoding: .utf8)
        #expect(
            said.hasPrefix("job sched-CAMPAIGN_002-") && said.contains(": 3 windows in 3 time zones for 3 contacts\n"))

        let resumed = try await tool.run(arguments, environment: environment)
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming job sched-CAMPAIGN_002-"))
        #expect(resumed.stdout.contains("resubmitting"))
        let log = try await events(folder)
        #expect(log.filter { $0.type == "ScheduleSubmissionRequested" }.count == 3, "one intent per window")
        let ids = try log.filter { $0.type == "ScheduleSubmitted" }.map {
            try #require(try $0.payload.decoded()["schedule_id"]?.stringValue)
        }
        // The simulator numbers the schedules it creates: three windows, three schedules, whatever was resent.
        #expect(Set(ids) == ["sch-000001", "sch-000002", "sch-000003"])
        let posts = try await schedulePosts(base)
        // The window in flight at the kill is sent again with its key (if its POST had left), the rest once.
        #expect(posts == postsAtKill + 3 - submittedAtKill)

        let status = try await tool.run(["schedule", "status", "--data", folder.path, "--campaign", "CAMPAIGN_002"])
        #expect(status.lines.count == 2)
        #expect(words(status.lines.last).prefix(7) == ["CAMPAIGN_002", "completed", "3", "3", "0", "3", "3"])
        let json = try await tool.run(
            ["schedule", "status", "--data", folder.path, "--campaign", "CAMPAIGN_002", "--format", "json"])
        let row = try #require(try JSONParser.parse(json.stdout).arrayValue?.first)
        #expect(row["state"] == "completed" && row["submitted"] == 3 && row["completed"] == 3.0)
        #expect(row["job"]?.stringValue?.hasPrefix("sched-CAMPAIGN_002-") == true)
        let before = try await tool.run(["schedule", "status", "--data", folder.path, "--as-of", "seq:2"])
        #expect(
            words(before.lines.last).prefix(9) == ["CAMPAIGN_002", "submitting", "3", "0", "0", "0", "3", "0", "-"])
        kill(simulator.process.processIdentifier, SIGTERM)
        try await waitForExit(simulator.process)
    }

    /// Writes `csv` as `contacts.csv` in `folder` and returns its path.
    private func contactsFile(_ folder: TemporaryFolder, _ csv: String) throws -> String {
        let path = folder.appending("contacts.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func words(_ line: String?) -> [String] { (line ?? "").split(separator: " ").map(String.init) }

    /// How many schedule POSTs reached the simulator at `base`.
    private func schedulePosts(_ base: String) async throws -> Int {
        let requests = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: base + "/_sim/requests"), timeout: .seconds(60))
        guard
            case .array(let calls) = try JSONParser.parse(Array(buffer: try await requests.body.collect(upTo: 1 << 22)))
        else { return -1 }
        return calls.filter {
            $0["method"]?.stringValue == "POST" && $0["path"]?.stringValue?.hasSuffix("/schedules") == true
        }.count
    }

    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func aRecordedWebhookIsRedeliveredWithTheSameIdAndBody() async throws {
        let secret = Self.secret
        let receiver = try await WebhookTestReceiver(secret: secret)
        defer { receiver.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = try contactsFile(folder, "id,timezone\nc1,America/New_York\nc2,Asia/Kolkata\n")
        let run = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "CAMPAIGN_004", "--cron", "0 22 * * *",
                "--contacts", contacts, "--expected", "1", "--poll-interval", "1s", "--timeout", "1m", "--webhook",
                receiver.url,
                "--zone-calling-hours", "Asia/Kolkata=20:00-23:00",
            ], environment: ["CXONE_BASE_URL": "", "WEBHOOK_SECRET": secret])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        // 22:00 is outside New York's default hours but inside Kolkata's own.
        #expect(run.stdout.contains("outside calling hours (08:00–21:00): America/New_York"))
        #expect(run.stdout.contains("submitted Asia/Kolkata"))
        let id = try #require(try receiver.deliveries().first?.id)
        let again = try await tool.run(
            ["webhooks", "redeliver", "--data", folder.path, id], environment: ["WEBHOOK_SECRET": secret])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "\(id) delivered (attempt 2)\n")
        let deliveries = try receiver.deliveries()
        #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.verified && $0.id == id })
        #expect(deliveries[0].body == deliveries[1].body)
        let unknown = try await tool.run(
            ["webhooks", "redeliver", "--data", folder.path, "dlv_nope"], environment: ["WEBHOOK_SECRET": secret])
        #expect(unknown.status != 0 && unknown.stderr.contains("dlv_nope: no such webhook delivery"))
    }

    @Test func badInputIsNamedAndNothingIsRecorded() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = try contactsFile(folder, "id,timezone\nc1,America/New_York\nc1,Mars/Base\n")
        let bad = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "C", "--cron", "0 9 * * *", "--contacts",
                contacts,
            ],
            environment: ["CXONE_BASE_URL": ""])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("contacts.csv:3: timezone: \"Mars/Base\" is not an IANA time zone"))
        #expect(bad.stderr.contains("contacts.csv:3: id: \"c1\" is already used on line 2"))
        try Data("id,timezone\nc1,America/New_York\n".utf8).write(to: URL(fileURLWithPath: contacts))
        let noSecret = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "C", "--cron", "0 9 * * *", "--contacts",
                contacts, "--webhook", "http://127.0.0.1:9/hook",
            ], environment: ["CXONE_BASE_URL": "", "WEBHOOK_SECRET": ""])
        #expect(noSecret.status == 64 || noSecret.status == 2)
        #expect(noSecret.stderr.contains("--webhook-secret"))
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")))
        // The webhook URL is checked with every other option, before the log or CXone is touched.
        let ftp = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "C", "--cron", "0 9 * * *", "--contacts",
                contacts, "--webhook", "ftp://hooks.example.com/done?token=s3cr3t",
            ], environment: ["CXONE_BASE_URL": "http://127.0.0.1:9", "WEBHOOK_SECRET": Self.secret])
        #expect(ftp.status == 2)
        #expect(
            ftp.stderr
                == "dialer-ledger: --webhook: ftp://hooks.example.com/done is not an http:// or https:// URL with a host\n"
        )
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")))
    }

    @Test func aPlanWithNoWindowIsExit2NamingWhyAndNothingIsSubmitted() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = try contactsFile(folder, "id,timezone\nc1,America/New_York\n")
        let late = try await tool.run(
            [
                "schedule", "run", "--data", folder.path, "--campaign", "CAMPAIGN_001", "--cron", "30 22 * * *",
                "--contacts", contacts,
            ], environment: ["CXONE_BASE_URL": ""])
        #expect(late.status == 2, "\(late.stdout)")
        #expect(late.stderr.contains("dialer-ledger: cron: every fire time is outside calling hours"))
        #expect(late.stderr.contains("America/New_York at ") && late.stderr.contains("(calling hours 08:00–21:00)"))
        #expect(!late.stdout.contains("completed"))
        await #expect(try events(folder).isEmpty)
    }
}
