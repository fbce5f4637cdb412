/// The FTS5 query of a list's `search`: every word must occur as a word prefix, folded as the
/// index is (`TextFolding`). A phone number in any notation (`+7 (900) 012-34-56`,
/// `89000123456`, `9000123456`) becomes its normalized key's digits (`79000123456`), which the
/// index holds for every phone (`RecordIndexes.searchText`); a number typed as one word may
/// still be something else (an INN), so it also matches as the word it is.
enum SearchQuery {
    /// At most this many words or numbers count; the rest of the text is ignored.
    static let maxTerms = 16

    /// The MATCH expression, or nil when the text has nothing searchable (only punctuation).
    static func make(_ text: String) -> String? {
        var terms: [String] = []
        for segment in segments(text) {
            if segment.isPhoneRun, let phone = phoneTerm(segment.text) {
                terms.append(phone)
                continue
            }
            for chunk in segment.text.split(whereSeparator: \.isWhitespace) {
                if segment.isPhoneRun, let phone = phoneTerm(chunk) {
                    terms.append(phone)
                } else {
                    terms += words(chunk).map(prefixTerm)
                }
            }
        }
        guard !terms.isEmpty else { return nil }
        return terms.prefix(maxTerms).joined(separator: " AND ")
    }

    /// The term of a phone number, or nil when `text` is not one: with a `+`, at least 10 digits;
    /// without, 10 digits, 11 starting with 7 or 8, or 14 starting with 810 (what `ContactKeys.phone`
    /// gives a `+7` key), grouped as phone numbers are written — a whole number, or a first group
    /// of 7 or 8 followed by three digits, or a three-digit area code first — so that numbers
    /// and dates side by side (`42 2026-03-01`) stay words. A bare number also matches as a
    /// word prefix, since it may be something else (an INN).
    static func phoneTerm(_ text: some StringProtocol) -> String? {
        let trimmed = text.trimmingSpaces()
        let groups = trimmed.split { !$0.isASCIIDigit }.map(\.count)
        guard groups.reduce(0, +) >= 10 else { return nil }
        if !trimmed.hasPrefix("+") {
            let first = trimmed.drop { !$0.isASCIIDigit }.first
            let grouped = groups[0] >= 10 || groups[0] == 3
                || (groups[0] == 1 && (first == "7" || first == "8") && groups.count > 1 && groups[1] == 3)
            guard grouped else { return nil }
        }
        let key = ContactKeys.phone(trimmed)
        guard key.hasPrefix("+") else { return nil }
        let phone = quoted(String(key.dropFirst()))
        if trimmed.allSatisfy(\.isASCIIDigit), trimmed != String(key.dropFirst()) {
            return "(\(phone) OR \(prefixTerm(Substring(trimmed))))"
        }
        return phone
    }

    /// Stretches of the text made only of what phone notations use (digits, `+`, brackets,
    /// hyphens, dots, spaces) and the stretches between them.
    private static func segments(_ text: String) -> [(text: Substring, isPhoneRun: Bool)] {
        var result: [(text: Substring, isPhoneRun: Bool)] = []
        var start = text.startIndex
        var inRun: Bool?
        for index in text.indices {
            let isRunCharacter = text[index].isPhoneNotation
            if inRun != nil, inRun != isRunCharacter {
                result.append((text[start..<index], inRun!))
                start = index
            }
            inRun = isRunCharacter
        }
        if let inRun, start < text.endIndex { result.append((text[start...], inRun)) }
        return result
    }

    /// The words of some text as the index splits them: folded, cut at anything that is not a
    /// letter or a digit.
    private static func words(_ text: Substring) -> [Substring] {
        Substring(TextFolding.fold(String(text))).split { !($0.isLetter || $0.isNumber) }
    }

    private static func prefixTerm(_ word: Substring) -> String { quoted(String(word)) + "*" }

    private static func quoted(_ word: String) -> String {
        "\"" + word.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

private extension Character {
    var isPhoneNotation: Bool { isASCIIDigit || self == "+" || self == "(" || self == ")" || self == "-" || self == "." || self == " " }
}
