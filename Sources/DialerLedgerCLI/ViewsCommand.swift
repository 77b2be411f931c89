import ArgumentParser
import DialerCore
import EventLog
import Foundation

/// `dialer-ledger views`: the views the log keeps up to date (audit, completion, reports).
struct ViewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "views", abstract: "The views the log keeps up to date.", subcommands: [ViewsRebuildCommand.self])
}

/// `dialer-ledger views rebuild`: refolds views from seq 1 and proves them equal to the maintained ones.
struct ViewsRebuildCommand: AsyncParsableCommand, LoggedCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Refold views from seq 1, compare them with the kept ones, and swap them in.",
        discussion: """
            Each view is folded again from the first event into a spare slot (progress on standard error), then \
            compared with the rows kept so far and swapped in; readers are served the kept rows until then. \
            Prints, per view, whether the rows were equal, or the first key where they differed.
            """)

    @OptionGroup var logging: LogOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Only this view (\(ViewCatalog.all.map(\.name).joined(separator: ", "))).") var view: String?

    func run() async throws {
        try await reportingErrors {
            let names = ViewCatalog.all.map(\.name)
            if let view, !names.contains(view) {
                throw ValidationError("--view: \(view) is not a view (\(names.joined(separator: ", ")))")
            }
            try await data.withStoredLog(access: .readWrite) { log in
                for name in view.map({ [$0] }) ?? names {
                    let rebuilt = try await log.rebuildView(name, batchSize: 100_000) { folded, total in
                        printError(
                            "views rebuild: \(name) \(ReportText.grouped(Int64(folded))) / \(ReportText.grouped(Int64(total))) events"
                        )
                    }
                    if let key = rebuilt.firstDifference {
                        print(
                            "\(name): rebuilt through seq \(rebuilt.throughSeq); differed from the kept rows at key \(key)"
                        )
                    } else {
                        print("\(name): rebuilt through seq \(rebuilt.throughSeq); equal to the kept rows")
                    }
                }
            }
        }
    }
}
