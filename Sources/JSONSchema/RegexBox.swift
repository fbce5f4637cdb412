import Foundation

/// A regular expression compiled once when a schema is loaded, shared by every validation.
///
/// `@unchecked Sendable` rule: the wrapped `NSRegularExpression` is immutable after `init` and
/// Foundation documents matching with one instance from several threads as safe; nothing
/// else is stored.
final class RegexBox: @unchecked Sendable {
    let source: String
    private let expression: NSRegularExpression

    /// Nil when the pattern does not compile.
    init?(_ pattern: String) {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.source = pattern
        self.expression = expression
    }

    /// Unanchored search, as JSON Schema's `pattern` requires.
    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }
}
