/// Normalized keys for phones and e-mails, used to find the same person however the number
/// or address was typed (REFERENCE-ru.md, "Phone numbers").
package enum ContactKeys {
    /// `8 (916) 123-45-67`, `+7 916 123 45 67`, `89161234567` and `9161234567` all give
    /// `+79161234567`. An extension (доб., ext, x, #) is cut off. Anything that is not a
    /// Russian/Kazakh +7 number keeps its digits (with `+` if typed) and matches only itself.
    package static func phone(_ raw: String) -> String {
        let lowered = raw.lowercased()
        var main = Substring(lowered)
        for marker in ["доб", "ext", "x", "#"] {
            if let range = main.firstRange(of: marker) { main = main[..<range.lowerBound] }
        }
        var digits = main.filter(\.isASCIIDigit)
        if digits.count == 14 && digits.hasPrefix("810") { digits = String(digits.dropFirst(3)) }
        if digits.count == 11 && (digits.hasPrefix("7") || digits.hasPrefix("8")) { digits = String(digits.dropFirst()) }
        if digits.count == 10 { return "+7" + digits }
        let typedPlus = main.trimmingLeadingSpaces().hasPrefix("+")
        return (typedPlus ? "+" : "") + digits
    }

    /// Trimmed and lowercased.
    package static func email(_ raw: String) -> String {
        raw.trimmingSpaces().lowercased()
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> SubSequence { drop { $0.isWhitespace } }

    func trimmingSpaces() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
