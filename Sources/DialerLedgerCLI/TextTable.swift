/// Rows as aligned columns for a terminal: each column as wide as its widest cell (at most `maxWidth`,
/// longer cells cut with `…`), two spaces between columns, no trailing blanks; one line per row.
func textTable(_ rows: [[String]], maxWidth: Int = .max) -> String {
    guard let first = rows.first else { return "" }
    let widths = first.indices.map { column in min(maxWidth, rows.map { $0[column].count }.max() ?? 0) }
    return rows.map { line in
        zip(line, widths).map { cell, width in
            (cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell)
                .padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
    }.joined()
}
