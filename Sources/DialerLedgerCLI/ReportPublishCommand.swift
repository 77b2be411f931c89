import ArgumentParser
import DialerCore
import Foundation
import Pipelines

/// `dialer-ledger report publish`: publishes a recorded report, or finishes every unfinished publication.
struct ReportPublishCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract:
            "Upload a recorded report with its page and CSV, issue links and e-mail them; or finish unfinished "
            + "publications.",
        discussion: """
            The bytes uploaded are the report rebuilt from the log, checked against its recorded SHA-256, and \
            the page and the CSV rendered from it beside it (.html and .csv under the same key stem). A \
            publication cut short (a crash, the store or mail server down) is finished from its recorded \
            effects: the same bytes to the same keys, the links signed again with their recorded time, and no \
            second e-mail to anyone whose e-mail may have gone out. Exit 3 when something is still unfinished.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var publishing: PublishOptions
    @Option(help: "The report to publish (default: finish the unfinished publications only).") var report: String?
    @Flag(help: "Log progress to standard error.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let app = try await data.application(
                try publishing.load(dataFolder: data.folder), needs: [.writing, .publishing],
                logger: logging.logger(unset: verbose ? .info : .error))
            try await app.run { app in try await publishAll(app.publisher(), reportID: report, toStandardError: false) }
        }
    }
}

/// Finishes unfinished publications, then publishes `reportID` (when given), printing what each reached and
/// what is still unfinished and why; exits 3 when something is unfinished.
func publishAll(_ publisher: ReportPublisher, reportID: String?, toStandardError: Bool) async throws {
    let results = try await publishedResults(publisher, reportID: reportID)
    let say: (String) -> Void = { toStandardError ? printError($0) : print($0) }
    for result in results {
        let heading = result.unfinished.isEmpty ? "published" : "unfinished"
        for line in ["\(heading): \(result.reportID)"] + PublishSummary.lines(result) { say(line) }
    }
    let unfinished = results.filter { !$0.unfinished.isEmpty }.count
    if results.isEmpty {
        say("nothing to publish: every requested publication is complete")
    } else {
        say("\(results.count - unfinished) publication(s) complete, \(unfinished) unfinished")
    }
    if unfinished > 0 { throw ExitCode(3) }
}

/// Finishes every unfinished publication and publishes `reportID` (when given and not among them); its result
/// comes last.
func publishedResults(_ publisher: ReportPublisher, reportID: String?) async throws -> [PublishResult] {
    var results = try await publisher.reconcile()
    if let reportID, let index = results.firstIndex(where: { $0.reportID == reportID }) {
        results.append(results.remove(at: index))
    } else if let reportID {
        results.append(try await publisher.publish(reportID: reportID))
    }
    return results
}
