/// The FTS5 query of a list's `search`: every word must occur as a word prefix, folded as the
/// index is (`TextFolding`). A phone number in any notation (`+7 (900) 012-34-56`,
/// `89000123456`, `9000123456`) becomes its normalized key's digits (`79000123456`), which the
/// index holds for every phone (`RecordIndexes.searchText`); a number typed as one word may
/// still be something else (an INN), so it also matches as the word it is.
///
/// A word prefix that begins few of the index's words is asked for as those words
/// (`"иван" OR "иванов" OR …`, from `expand`): FTS5 reads them lazily in rowid order, where a
/// prefix query first merges every matching word's rows (18 ms for `иван*` at a million leads).
enum SearchQuery {
    /// At most this many words or numbers count; the rest of the text is ignored.
    static let maxTerms = 16
    /// A prefix is replaced by the words it begins when there are at most this many.
    static let maxExpansion = 32

    /// The indexed words beginning with a prefix, at most `maxExpansion` + 1 of them.
    typealias Expansion = (String) throws -> [String]

    /// The MATCH expression, or nil when the text has nothing searchable (only punctuation).
    static func make(_ text: String, expand: Expansion? = nil) throws -> String? {
        var terms: [String] = []
        var phones: [Range<String.Index>] = []
        let parts = segments(text)
        for (index, segment) in parts.enumerated() where segment.isPhoneRun {
            // Digits that touch a letter are part of a word (`office3`), not a number of their own.
            let openBefore = index > 0 && parts[index - 1].text.last?.isLetter == true && segment.text.first?.isASCIIDigit == true
            let openAfter = index + 1 < parts.count && parts[index + 1].text.first?.isLetter == true && segment.text.last?.isASCIIDigit == true
            if !openBefore, !openAfter, let phone = phoneTerm(segment.text) {
                terms.append(phone)
                phones.append(segment.text.startIndex..<segment.text.endIndex)
                continue
            }
            let chunks = segment.text.split(whereSeparator: \.isWhitespace)
            for chunk in chunks {
                let touches = (chunk.startIndex == segment.text.startIndex && openBefore) || (chunk.endIndex == segment.text.endIndex && openAfter)
                if !touches, let phone = phoneTerm(chunk) {
                    terms.append(phone)
                    phones.append(chunk.startIndex..<chunk.endIndex)
                }
            }
        }
        // The rest of the text, phones cut out, is words as the index splits them.
        var rest = ""
        var position = text.startIndex
        for range in phones {
            rest += text[position..<range.lowerBound] + " "
            position = range.upperBound
        }
        rest += text[position...]
        for word in words(Substring(rest)) { terms.append(try expanded(word, expand) ?? prefixTerm(word)) }
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

    /// The words a prefix begins, OR-ed, when they are few. Only for words the tokenizer keeps
    /// as they are (digits, Latin and Cyrillic lower-case letters): the index's words are
    /// compared with the prefix byte by byte.
    private static func expanded(_ word: Substring, _ expand: Expansion?) throws -> String? {
        guard let expand, word.unicodeScalars.allSatisfy(\.isKeptByTokenizer) else { return nil }
        let found = try expand(String(word))
        guard !found.isEmpty, found.count <= maxExpansion else { return nil }
        return found.count == 1 ? quoted(found[0]) : "(" + found.map(quoted).joined(separator: " OR ") + ")"
    }

    /// The exclusive upper bound of the words beginning with `prefix` (its last character
    /// incremented), for a range scan of the index's vocabulary.
    static func upperBound(of prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        guard let last = scalars.popLast(), let next = Unicode.Scalar(last.value + 1) else { return nil }
        return String(String.UnicodeScalarView(scalars + [next]))
    }

    /// A word as an FTS5 string (in double quotes, its own quotes doubled).
    static func quoted(_ word: String) -> String {
        "\"" + word.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

private extension Unicode.Scalar {
    var isKeptByTokenizer: Bool {
        ("0"..."9").contains(self) || ("a"..."z").contains(self) || ("\u{0430}"..."\u{044F}").contains(self)
    }
}

private extension Character {
    var isPhoneNotation: Bool { isASCIIDigit || self == "+" || self == "(" || self == ")" || self == "-" || self == "." || self == " " }
}
