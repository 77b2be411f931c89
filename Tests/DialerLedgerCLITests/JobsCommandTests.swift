import DialerCore
import DialerTesting
import EventLog
import Foundation
import Testing

/// `jobs list`, `jobs run`, `config check` and `schedule plan` as an operator runs them, over a real settings
/// file and a real LMDB log, against the embedded simulator.
@Suite struct JobsCommandTests {
    let tool: CommandLineTool

    init() throws { tool = try CommandLineTool() }

    /// Writes `json` as `config.json` in `folder` and returns its path.
    private func settings(_ folder: TemporaryFolder, _ json: String) throws -> String {
        let path = folder.appending("config.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func events(_ folder: TemporaryFolder, type: String) async throws -> [Envelope] {
        try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).events(EventQuery(type: type))
    }

    private static let jobs = """
        {"mail": {"recipients": ["ops@example.com"]},
         "jobs": [{"id": "daily", "cron": "0 9 * * *", "time_zone": "Europe/London", "campaigns": ["CAMPAIGN_001"]},
                  {"id": "broken", "cron": "30 6 * * 1-5", "campaigns": ["CAMPAIGN_404"]}]}
        """

    @Test func jobsRunRunsATickOnceAndJobsListShowsItsOutcome() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try settings(folder, Self.jobs)
        let data = ["--data", folder.path]
        let simulator = ["CXONE_BASE_URL": ""]
        let before = try await tool.run(["jobs", "list", "--format", "json"] + data)
        #expect(before.status == 0, "\(before.stderr)")
        guard case .array(let fresh) = try JSONParser.parse(Array(before.stdout.utf8)) else {
            Issue.record("not a JSON array: \(before.stdout)")
            return
        }
        #expect(fresh.compactMap { $0["id"]?.stringValue } == ["daily", "broken"])
        #expect(fresh.first?["last_run"] == .null && fresh.first?["time_zone"]?.stringValue == "Europe/London")
        let next = try #require(fresh.first?["next_run_utc"]?.stringValue)
        #expect(next.hasSuffix("T09:00:00Z") || next.hasSuffix("T08:00:00Z"), "09:00 in London, in UTC")
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")), "listing created no log")

        let arguments = ["jobs", "run", "daily", "--at", "2026-11-30T09:00:00Z"] + data
        let first = try await tool.run(arguments, environment: simulator)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let reportID = try #require(first.stdout.firstMatch(of: /report (rpt-[0-9a-f-]+)/)?.1)
        #expect(first.stdout.hasPrefix("job daily at 2026-11-30T09:00:00Z: succeeded, report rpt-"))
        let second = try await tool.run(arguments, environment: simulator)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "job daily at 2026-11-30T09:00:00Z: already handled (run); nothing run\n")
        let runs = try await events(folder, type: "ReportRunStarted")
        #expect(runs.count == 1, "the same tick ran once")
        let started = try ReportRunStarted(stored: try #require(runs.first).payload.decoded(), seq: 1)
        #expect(started.trigger == .manual && started.scheduled?.job == "daily")
        #expect(try await events(folder, type: "CronTickHandled").count == 1)
        #expect(try await events(folder, type: "ReportEmailed").count == 1, "published as a cron run is")

        let failing = try await tool.run(
            ["jobs", "run", "broken", "--at", "2026-11-30T06:30:00Z"] + data, environment: simulator)
        #expect(failing.status == 4, "no campaign could be fetched: \(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains(": failed, report rpt-"))

        let after = try await tool.run(["jobs", "list", "--format", "json"] + data)
        guard case .array(let listed) = try JSONParser.parse(Array(after.stdout.utf8)) else {
            Issue.record("not a JSON array: \(after.stdout)")
            return
        }
        let daily = try #require(listed.first?["last_run"])
        #expect(daily["outcome"]?.stringValue == "succeeded" && daily["trigger"]?.stringValue == "manual")
        #expect(daily["report_id"]?.stringValue == String(reportID))
        #expect(daily["scheduled_at"]?.stringValue == "2026-11-30T09:00:00+00:00", "in the job's zone")
        #expect(listed.first?["last_tick"]?["outcome"]?.stringValue == "run")
        let broken = try #require(listed.last?["last_run"])
        #expect(broken["outcome"]?.stringValue == "failed" && broken["reason"]?.stringValue?.isEmpty == false)
        let table = try await tool.run(["jobs", "list"] + data)
        #expect(table.lines.first?.hasPrefix("JOB") == true && table.lines.count == 3)
        #expect(table.lines[1].contains("succeeded (manual)") && table.lines[1].contains(String(reportID)))
    }

    @Test func anUnknownJobIsRefusedNamingTheKnownOnes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try settings(folder, Self.jobs)
        let outcome = try await tool.run(
            ["jobs", "run", "weekly", "--data", folder.path], environment: ["CXONE_BASE_URL": ""])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(#"job: no job "weekly" is configured (known: daily, broken)"#), "\(outcome.stderr)")
        #expect(try await events(folder, type: "CronTickHandled").isEmpty, "nothing claimed")
    }

    @Test func configCheckShowsEachSettingsSourceAndSecretsOnlyAsSet() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try settings(
            folder,
            """
            {"server": {"port": 9090}, "mail": {"smtp": {"host": "smtp.example.com", "username": "reports"}},
             "jobs": [{"id": "daily", "cron": "0 9 * * *", "campaigns": ["C1"]}]}
            """)
        let secrets = [
            "CXONE_CLIENT_SECRET": "cxone-secret-5f0c2e1d", "SMTP_PASSWORD": "smtp-secret-9a7b3c",
            "AWS_SECRET_ACCESS_KEY": "aws-secret-41d2e8f7", "WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ]
        let environment =
            secrets.merging([
                "CXONE_BASE_URL": "https://cxone.example.com", "CXONE_CLIENT_ID": "reports-client",
                "S3_BUCKET": "reports", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "MAIL_FROM": "ledger@example.com",
                "WEBHOOK_URL": "https://hooks.example.com/done?token=abc", "DIALER_LEDGER_CONFIG": "",
            ]) { $1 }
        let table = try await tool.run(
            ["config", "check", "--config", file, "--data", folder.path], environment: environment)
        #expect(table.status == 0, "\(table.stdout)\(table.stderr)")
        #expect(table.lines.last == "valid")
        let json = try await tool.run(
            ["config", "check", "--config", file, "--data", folder.path, "--format", "json"], environment: environment)
        #expect(json.status == 0)
        for secret in secrets.values + ["token=abc"] {
            #expect(!(table.stdout + table.stderr + json.stdout + json.stderr).contains(secret), "\(secret) shown")
        }
        let check = try JSONParser.parse(Array(json.stdout.utf8))
        #expect(check["valid"] == .bool(true))
        guard case .array(let rows)? = check["settings"] else {
            Issue.record("no settings array")
            return
        }
        var shown: [String: String] = [:]
        for row in rows {
            if let name = row["name"]?.stringValue, let value = row["value"]?.stringValue,
                let source = row["source"]?.stringValue
            {
                shown[name] = "\(value) (\(source))"
            }
        }
        #expect(shown["server.port"] == "9090 (file)")
        #expect(shown["server.host"] == "127.0.0.1 (default)")
        #expect(shown["mail.from"] == "ledger@example.com (env)")
        #expect(shown["mail.smtp.username"] == "reports (file)")
        #expect(shown["config"] == "\(file) (flag)")
        for name in ["CXONE_CLIENT_SECRET", "SMTP_PASSWORD", "AWS_SECRET_ACCESS_KEY", "WEBHOOK_SECRET"] {
            #expect(shown[name] == "set (env)", "\(name): \(shown[name] ?? "missing")")
        }
        #expect(shown["AWS_SESSION_TOKEN"] == "unset (default)")
        #expect(shown["CXONE_CLIENT_ID"] == "reports-client (env)")
        #expect(shown["WEBHOOK_URL"] == "https://hooks.example.com/done (env)")
        #expect(shown["jobs[0]"]?.hasPrefix("daily: \"0 9 * * *\" in ") == true)
    }

    @Test func configCheckNamesABadFieldAndFails() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try settings(folder, #"{"jobs": [{"id": "daily", "cron": "61 9 * * *", "campaigns": ["C1"]}]}"#)
        let outcome = try await tool.run(
            ["config", "check", "--config", file, "--format", "json", "--data", folder.path],
            environment: ["CXONE_BASE_URL": "", "SCHEDULE_CRON": "0 25 * * *"])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(#"dialer-ledger: config.jobs[0].cron: minute: "61" is out of range 0-59"#),
            "\(outcome.stderr)")
        #expect(outcome.stderr.contains(#"dialer-ledger: SCHEDULE_CRON: hour: "25" is out of range 0-23"#))
        let check = try JSONParser.parse(Array(outcome.stdout.utf8))
        #expect(check["valid"] == .bool(false))
        guard case .array(let errors)? = check["errors"] else {
            Issue.record("no errors array")
            return
        }
        #expect(errors.compactMap { $0["field"]?.stringValue } == ["config.jobs[0].cron", "SCHEDULE_CRON"])
    }

    @Test func schedulePlanPrintsWhatScheduleRunSubmitsAndRecordsNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let contacts = folder.appending("contacts.csv")
        try Data("id,timezone\nc1,America/New_York\nc2,Europe/London\nc3,America/New_York\n".utf8).write(
            to: URL(fileURLWithPath: contacts))
        // Fires on 29 February only: the plan and the run, seconds apart, plan the same fire times.
        let inputs = [
            "--data", folder.path, "--campaign", "CAMPAIGN_002", "--cron", "0 9 29 2 *", "--contacts", contacts,
        ]
        let simulator = ["CXONE_BASE_URL": ""]
        let plan = try await tool.run(["schedule", "plan", "--format", "json"] + inputs, environment: simulator)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appending("log")), "planning created no log")
        let planned = try JSONParser.parse(Array(plan.stdout.utf8))
        #expect(planned["new_job"] == .bool(true))
        guard case .array(let rows)? = planned["contacts"] else {
            Issue.record("no contacts array: \(plan.stdout)")
            return
        }
        func key(_ contact: String, _ zone: String, _ start: String, _ end: String) -> String {
            "\(contact) \(zone) \(start) \(end)"
        }
        let shown = Set(
            rows.map {
                key(
                    $0["contact_id"]?.stringValue ?? "", $0["time_zone"]?.stringValue ?? "",
                    $0["start_utc"]?.stringValue ?? "", $0["end_utc"]?.stringValue ?? "")
            })
        #expect(shown.count == 3)
        #expect(
            rows.contains {
                $0["time_zone"]?.stringValue == "America/New_York"
                    && $0["start"]?.stringValue?.hasSuffix("T09:00:00-05:00") == true
            }, "09:00 in New York")

        let run = try await tool.run(
            ["schedule", "run", "--expected", "3", "--poll-interval", "1s", "--timeout", "2m"] + inputs,
            environment: simulator)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("job \(planned["job"]?.stringValue ?? "?"): 2 windows"), "the job the plan named")
        let windows = try await events(folder, type: "ScheduleSubmissionRequested")
        #expect(windows.count == 2, "one schedule per zone")
        let recorded = try #require(try await events(folder, type: "ScheduleWindowsPlanned").first)
        guard case .array(let submitted)? = try recorded.payload.decoded()["windows"] else {
            Issue.record("no windows recorded")
            return
        }
        func utc(_ instant: JSONValue?) -> String {
            (try? Timestamp(rfc3339: instant?.stringValue ?? ""))?.rfc3339Seconds ?? ""
        }
        let sent = Set(
            submitted.flatMap { window -> [String] in
                guard case .array(let ids)? = window["contact_ids"] else { return [] }
                return ids.compactMap(\.stringValue).map {
                    key($0, window["time_zone"]?.stringValue ?? "", utc(window["start"]), utc(window["end"]))
                }
            })
        #expect(sent == shown, "the plan printed is the plan submitted")

        let head = try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).lastSequence()
        let again = try await tool.run(["schedule", "plan"] + inputs, environment: simulator)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.lines.first?.hasSuffix("(new): 2 windows") == true, "the finished job is not carried on")
        #expect(try await LMDBEventStore(path: folder.appending("log"), access: .readOnly).lastSequence() == head)
    }

    @Test func serveLogsEachJobsStartAndOutcomeWithItsReport() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try Loopback.freePort()
        _ = try settings(
            folder,
            """
            {"server": {"port": \(port)},
             "jobs": [{"id": "every-1s", "cron": "@every 1s", "campaigns": ["CAMPAIGN_001"]}]}
            """)
        let stderr = folder.appending("serve.err")
        let server = try tool.start(
            ["serve", "--data", folder.path, "--verbose"], environment: ["CXONE_BASE_URL": ""], standardError: stderr)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        func outcomeLine() -> String? {
            let text = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init).first { $0.hasSuffix("job succeeded") }
        }
        _ = try await eventually(timeout: .seconds(60), poll: .milliseconds(100)) { outcomeLine() != nil }
        kill(server.processIdentifier, SIGTERM)
        try await waitForExit(server)
        let log = try String(contentsOfFile: stderr, encoding: .utf8)
        let line = try #require(outcomeLine(), "no job outcome logged: \(log)")
        for field in ["job=every-1s", "outcome=succeeded", "report_id=rpt-", "scheduled_at=", "trigger=cron"] {
            #expect(line.contains(field), "\(field) in \(line)")
        }
        #expect(line.contains(" info "), "at info level: \(line)")
        #expect(log.contains("job started"))
    }
}
