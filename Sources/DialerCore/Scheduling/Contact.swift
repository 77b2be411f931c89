import Foundation

/// A contact to call: its id, its IANA time zone, the other columns of its row as given, and where it came
/// from (the line of the file, for error messages).
public struct Contact: Sendable, Hashable {
    public var id: String
    public var timeZone: String
    /// Every other column, by its header name.
    public var attributes: [String: String]
    /// The line of the file the contact starts on (1 is the first line).
    public var line: Int

    /// A contact with every field given.
    public init(id: String, timeZone: String, attributes: [String: String] = [:], line: Int) {
        self.id = id
        self.timeZone = timeZone
        self.attributes = attributes
        self.line = line
    }
}

/// What is wrong with a contact list (`DialerCoreError.invalidContacts`): every problem, each with its line,
/// so a whole file can be fixed in one pass. Nothing is submitted from a list that has any.
public struct ContactListProblems: Sendable, Equatable, CustomStringConvertible {
    /// One problem: the line, the field and why.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var field: String
        public var reason: String

        /// A problem at `line` with `field`.
        public init(line: Int, field: String, reason: String) {
            self.line = line
            self.field = field
            self.reason = reason
        }
    }

    /// The file, as named in messages.
    public var file: String
    public var problems: [Problem]

    /// The problems of `file`.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        let shown = problems.prefix(20).map { "\(file):\($0.line): \($0.field): \($0.reason)" }
        let more = problems.count > 20 ? ["… \(problems.count - 20) more problems"] : []
        return "\(problems.count) problem\(problems.count == 1 ? "" : "s") in the contact list:\n"
            + (shown + more).joined(separator: "\n")
    }
}
