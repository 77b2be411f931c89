import Delivery
import DialerCore
import Foundation

extension ServiceConfiguration {
    /// Every setting this configuration holds, as `config check` lists it, each with where its value came from:
    /// `env` when the variable that overrides it is set, `file` when `file` (the settings file's JSON) names it,
    /// else `default`. Secrets appear only as `set` or `unset`; API keys by name and role.
    public func effectiveSettings(file: JSONValue?, environment: [String: String]) -> [EffectiveSetting] {
        func source(_ path: String, env names: [String] = []) -> EffectiveSetting.Source {
            if names.contains(where: { environment[$0].map { !$0.isEmpty } == true }) { return .env }
            var node = file
            for key in path.split(separator: ".") { node = node?[String(key)] }
            return node == nil ? .default : .file
        }
        func row(_ path: String, _ value: String, env names: [String] = []) -> EffectiveSetting {
            EffectiveSetting(path, value, source(path, env: names))
        }
        var rows = [
            row("server.host", host), row("server.port", "\(port)"),
            row("server.public_url", linkBaseURL, env: ["DIALER_LEDGER_PUBLIC_URL"]),
            row(
                "server.api_keys",
                apiKeys.isEmpty
                    ? "none" : apiKeys.keys.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "),
                env: ["DIALER_LEDGER_API_KEYS"]),
            row("server.open_health", "\(openHealth)"), row("server.open_metrics", "\(openMetrics)"),
            row("server.header_timeout", headerTimeout.compactDescription),
            row("server.idle_timeout", idleTimeout.compactDescription),
            row("server.max_connections", "\(maxConnections)"),
            row("storage.key_template", keyTemplate.template),
            row("storage.link_expires", linkLifetime.compactDescription),
        ]
        if let s3 {
            rows += [
                row("storage.s3.bucket", s3.bucket, env: ["S3_BUCKET"]),
                row("storage.s3.region", s3.region, env: ["AWS_REGION"]),
                row("storage.s3.endpoint", s3.resolvedEndpoint, env: ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]),
                row("storage.s3.style", s3.addressingStyle.rawValue),
                EffectiveSetting.secret("AWS_ACCESS_KEY_ID", isSet: true),
                EffectiveSetting.secret("AWS_SECRET_ACCESS_KEY", isSet: true),
                EffectiveSetting.secret("AWS_SESSION_TOKEN", isSet: s3.credentials.sessionToken != nil),
            ]
        } else {
            rows.append(row("storage.s3", "none: the local object store in the data folder", env: ["S3_BUCKET"]))
        }
        rows += [
            row("mail.from", mailFrom, env: ["MAIL_FROM"]),
            row(
                "mail.recipients", recipients.isEmpty ? "none" : recipients.joined(separator: ","),
                env: ["REPORT_RECIPIENTS"]),
        ]
        if let smtp {
            rows += [
                row("mail.smtp.host", smtp.host, env: ["SMTP_HOST"]),
                row("mail.smtp.port", "\(smtp.port)", env: ["SMTP_PORT"]),
                row("mail.smtp.security", smtp.security.rawValue, env: ["SMTP_SECURITY"]),
                row("mail.smtp.username", smtp.credentials?.user ?? "none", env: ["SMTP_USERNAME"]),
                EffectiveSetting.secret("SMTP_PASSWORD", isSet: smtp.credentials != nil),
                row("mail.smtp.trust_roots", smtp.trustRootsFile ?? "the system's"),
                row("mail.smtp.timeout", smtp.timeout.compactDescription),
            ]
        } else {
            rows.append(row("mail.smtp", "none: .eml files in the data folder", env: ["SMTP_HOST"]))
        }
        if jobs.isEmpty { rows.append(row("jobs", "none")) }
        for (index, job) in jobs.enumerated() {
            let recipients = job.recipients.map { $0.joined(separator: ",") } ?? "mail.recipients"
            rows.append(
                EffectiveSetting(
                    "jobs[\(index)]",
                    "\(job.id): \"\(job.schedule.expression)\" in \(job.schedule.timeZone.identifier), campaigns "
                        + "\(job.campaigns.joined(separator: ",")), window \(job.window.rawValue), labelled in "
                        + "\(job.timeZone), rules \(job.ruleSet.id), starting deadline "
                        + "\(job.startingDeadline.compactDescription), lease \(job.lease.compactDescription), "
                        + "recipients \(recipients), dst \(job.schedule.dst.rawValue)", .file))
        }
        return rows
    }
}
