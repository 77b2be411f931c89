import ArgumentParser
import Delivery
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger webhooks`: recorded webhook deliveries.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Recorded webhook deliveries.", subcommands: [WebhooksRedeliverCommand.self])
}

/// `dialer-ledger webhooks redeliver`: sends a recorded delivery again, same id and body.
struct WebhooksRedeliverCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeliver",
        abstract: "Send a recorded webhook delivery again with the same webhook-id and body.",
        discussion: """
            The attempts go on from the recorded count and are recorded like the first ones. The URL is the \
            recorded one (recorded without its query string) unless --url gives another.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Argument(help: "The delivery id (dlv_…), as `schedule run` printed it.") var deliveryID: String
    @Option(help: "Its Standard Webhooks secret, whsec_… (default $WEBHOOK_SECRET).") var webhookSecret: String?
    @Option(help: "Send to this URL instead of the recorded one.") var url: String?
    @Flag(help: "Log attempts to standard error.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            guard let secretText = webhookSecret ?? environment["WEBHOOK_SECRET"].flatMap({ $0.isEmpty ? nil : $0 })
            else { throw ValidationError("--webhook-secret: give whsec_… (or set WEBHOOK_SECRET)") }
            let secret = try WebhookSecret(secretText)
            let app = try await data.application(
                needs: .writing, logger: logging.logger(unset: verbose ? .info : .error))
            try await app.run { app in
                let recorded = try await app.store.withSnapshot { snapshot -> (WebhookRequested, String, Int)? in
                    var found: (WebhookRequested, String)?
                    try snapshot.scanInPlace(EventQuery(type: ScheduleEvent.webhookRequested)) { view in
                        let requested = try WebhookRequested(view)
                        if requested.deliveryID == deliveryID { found = (requested, view.stream) }
                        return found == nil
                    }
                    guard let (requested, stream) = found else { return nil }
                    var attempts = 0
                    try snapshot.scanInPlace(EventQuery(stream: stream)) { view in
                        if view.type == ScheduleEvent.webhookAttempted { attempts += 1 }
                        return true
                    }
                    return (requested, stream, attempts)
                }
                guard let (requested, stream, attempts) = recorded else {
                    throw ValidationError("\(deliveryID): no such webhook delivery in \(data.logDescription)")
                }
                // One attempt: a person asked for this one, and sees its outcome.
                let outcome = try await app.webhookDeliverer(schedule: WebhookRetrySchedule(delays: [])).deliver(
                    id: deliveryID, url: url ?? requested.url, body: try CanonicalJSON(requested.body).bytes,
                    secret: secret, stream: stream, correlation: ScheduleWorker.correlation(requested.job),
                    firstAttempt: attempts + 1)
                print(
                    outcome.delivered
                        ? "\(deliveryID) delivered (attempt \(outcome.attempts))"
                        : "\(deliveryID) abandoned after attempt \(outcome.attempts): \(outcome.reason ?? "")")
                if !outcome.delivered { throw ExitCode(3) }
            }
        }
    }
}
