/// Case folding for search and "contains" filters. SQLite's LIKE and lower() fold ASCII only;
/// this folds every script (Cyrillic included) and treats ё as е, as Russian users expect.
package enum TextFolding {
    /// The text in lower case with every «ё» read as «е». Text of Latin and Cyrillic letters,
    /// digits and common punctuation (most of what a CRM holds) is folded in one pass over its
    /// scalars; any other text goes through `lowercased()` and a search for the character «ё».
    /// Both give the same result: the folded index stored in the database depends on it.
    package static func fold(_ text: String) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: utf8.append(UInt8(scalar.value + 0x20))
            case 0...0x7F: utf8.append(UInt8(scalar.value))
            case 0x401, 0x451: utf8.append(contentsOf: [0xD0, 0xB5])   // «е»
            case 0x410...0x42F: append(scalar.value + 0x20, to: &utf8)
            case 0x400...0x40F: append(scalar.value + 0x50, to: &utf8)
            // Letters already in lower case, and punctuation that neither changes case nor joins a
            // character with its neighbours: no-break space, «», dashes, quotes, ellipsis, №.
            case 0x430...0x45F, 0xA0, 0xAB, 0xBB, 0x2010...0x2015, 0x2018...0x201E, 0x2026, 0x2116: append(scalar.value, to: &utf8)
            default: return foldedByCharacters(text)
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// A scalar below U+10000 as UTF-8.
    private static func append(_ value: UInt32, to utf8: inout [UInt8]) {
        if value < 0x800 {
            utf8.append(UInt8(0xC0 | value >> 6))
        } else {
            utf8.append(UInt8(0xE0 | value >> 12))
            utf8.append(UInt8(0x80 | (value >> 6) & 0x3F))
        }
        utf8.append(UInt8(0x80 | value & 0x3F))
    }

    /// The general case: `lowercased()`, then each character «ё» (in any canonical form) as «е».
    static func foldedByCharacters(_ text: String) -> String {
        var folded = text.lowercased()
        // `contains(where:)`: `contains("ё")` with a string argument is Foundation's search.
        if folded.contains(where: { $0 == "ё" }) { folded = folded.replacingOccurrences(of: "ё", with: "е") }
        return folded
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
