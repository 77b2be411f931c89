import ArgumentParser
import DialerCore

/// How a command prints rows: aligned columns for a person (`table`), or for a script one JSON array
/// (`json`), one JSON object a line (`jsonl`), or RFC 4180 CSV with a header line (`csv`).
enum TabularFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv

    /// The `--format` option's help.
    static let help = ArgumentHelp("table, json (one array), jsonl (one object a line) or csv.")
}

/// Rows as a command prints them in any `TabularFormat`: text cells under named columns for the table and
/// the CSV, and the same rows as JSON objects (numbers as numbers, lists as arrays) for JSON.
struct TabularRows {
    /// Column names, snake_case (upper-cased as the table's header).
    let columns: [String]
    /// What the table says when there are no rows.
    let none: String
    private(set) var cells: [[String]] = []
    private(set) var objects: [JSONValue] = []

    init(columns: [String], none: String) {
        self.columns = columns
        self.none = none
    }

    /// Adds a row: its cells, one per column, and its JSON object.
    mutating func append(_ cells: [String], _ object: JSONValue) {
        precondition(cells.count == columns.count, "a row has one cell per column")
        self.cells.append(cells)
        objects.append(object)
    }

    /// The rows in `format`; table cells longer than `maxWidth` are cut with `…`.
    func rendered(_ format: TabularFormat, maxWidth: Int = .max) throws -> String {
        switch format {
        case .table:
            guard !cells.isEmpty else { return none + "\n" }
            let header = columns.map { $0.replacingOccurrences(of: "_", with: " ").uppercased() }
            return textTable([header] + cells, maxWidth: maxWidth)
        case .json: return try OutputFormat.line(.array(objects)) + "\n"
        case .jsonl: return try objects.map { try OutputFormat.line($0) + "\n" }.joined()
        case .csv: return ([columns] + cells).map(CSVText.line).joined()
        }
    }
}
