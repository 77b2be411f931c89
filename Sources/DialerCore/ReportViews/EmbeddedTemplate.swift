import Mustache

extension MustacheTemplate {
    /// A template embedded in the code, parsed once by its owner: the text is a constant, so a parse failure
    /// is a programmer's error the golden tests catch, not an input error.
    static func embedded(_ text: String, name: String) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: text)
        } catch {
            preconditionFailure("the \(name) template does not parse: \(error)")
        }
    }
}
