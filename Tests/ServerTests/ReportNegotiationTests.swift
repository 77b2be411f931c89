import DialerCore
import Testing

@testable import Server

/// Which representation of a report `Accept` and `?format=` ask for.
@Suite struct ReportNegotiationTests {
    @Test(
        arguments: [
            (nil, ReportFormat.json), ("", .json), ("*/*", .json), ("application/json", .json),
            ("text/html", .html), ("text/csv", .csv), ("text/*", .html),
            // Browsers: HTML first, anything else at q=0.8.
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", .html),
            ("text/csv;q=0.5, application/json;q=0.4", .csv), ("text/html;q=0.5, text/csv;q=0.5", .html),
            ("text/*;q=0.3, text/csv;q=0", .html), ("TEXT/CSV", .csv), ("application/json, text/html", .json),
        ] as [(String?, ReportFormat)])
    func acceptPicksTheBestOfTheThree(accept: String?, expected: ReportFormat) throws {
        #expect(try ReportNegotiation.format(override: nil, accept: accept) == expected)
    }

    @Test func formatOverridesAcceptAndUnknownOnesAreNamed() throws {
        #expect(try ReportNegotiation.format(override: "csv", accept: "text/html") == .csv)
        #expect(throws: APIError.self) { try ReportNegotiation.format(override: "pdf", accept: nil) }
        do {
            _ = try ReportNegotiation.format(override: nil, accept: "image/png, application/pdf;q=0.9")
            Issue.record("image/png was accepted")
        } catch let error as APIError {
            #expect(error.status == .notAcceptable && error.field == "Accept")
        }
        #expect(throws: APIError.self) { try ReportNegotiation.format(override: nil, accept: "text/html;q=0") }
    }
}
