import JSONKit

/// String keywords. Lengths count Unicode code points (scalars), as JSON Schema defines them.
extension Validator {
    mutating func checkString(_ keyword: Keyword, _ instance: JSON, report: Bool) -> Bool {
        guard case .string(let text) = instance else { return true }
        switch keyword {
        case .minLength(let minimum):
            // A scalar takes at least one UTF-8 byte, so a short byte count settles it.
            if text.utf8.count >= minimum && text.unicodeScalars.count >= minimum { return true }
            if report { record("must be at least \(PendingError.plural(minimum, "character")) long") }
            return false
        case .maxLength(let maximum):
            if text.utf8.count <= maximum || text.unicodeScalars.count <= maximum { return true }
            if report { record("must be at most \(PendingError.plural(maximum, "character")) long") }
            return false
        case .pattern(let regex):
            if regex.matches(text) { return true }
            if report { record("\(PendingError.describe(instance)) does not match the pattern '\(regex.source)'") }
            return false
        case .format(let format):
            if format.accepts(text) { return true }
            if report { record("\(PendingError.describe(instance)) is not a valid \(format.name)") }
            return false
        default:
            return true
        }
    }
}
