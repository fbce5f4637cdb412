/// Finds an organisation's legal form (ОПФ) abbreviation from the start of its name, e.g.
/// "ООО" for «ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"» or «ООО "РОМАШКА"».
///
/// The short name is tried first, then the full name; letter case is ignored. A name that
/// starts with no known form gives nil rather than a guess.
enum LegalForm {
    /// Long forms, longest first so that "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО" wins over
    /// "АКЦИОНЕРНОЕ ОБЩЕСТВО".
    private static let longForms: [(String, String)] = [
        ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "ООО"),
        ("НЕПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "НАО"),
        ("ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ПАО"),
        ("ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ЗАО"),
        ("ОТКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ОАО"),
        ("АКЦИОНЕРНОЕ ОБЩЕСТВО", "АО"),
        ("ПРОИЗВОДСТВЕННЫЙ КООПЕРАТИВ", "ПК"),
        ("КРЕСТЬЯНСКОЕ (ФЕРМЕРСКОЕ) ХОЗЯЙСТВО", "КФХ"),
    ]

    private static let shortForms = ["ООО", "ПАО", "НАО", "ЗАО", "ОАО", "АО", "ПК", "КФХ"]

    private static let shortFormBytes = shortForms.map { (Array($0.utf8), $0) }
    private static let longFormBytes = longForms.map { (Array($0.0.utf8), $0.1) }

    static func abbreviation(fullName: String?, shortName: String?) -> String? {
        for name in [shortName, fullName].compactMap({ $0 }) {
            // Registry names are in capitals: compare bytes, and only map case when needed.
            var head = Array(name.utf8.prefix(96))
            if containsLowerCase(head) { head = Array(String(decoding: head, as: UTF8.self).uppercased().utf8) }
            for (form, abbreviation) in shortFormBytes where startsWithWord(head, form) {
                return abbreviation
            }
            for (form, abbreviation) in longFormBytes where startsWithWord(head, form) {
                return abbreviation
            }
        }
        return nil
    }

    /// Whether the UTF-8 text has a lower-case Latin or Cyrillic letter.
    private static func containsLowerCase(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() {
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { return true }
            guard index + 1 < bytes.count else { break }
            let next = bytes[index + 1]
            if byte == 0xD0 && next >= 0xB0 && next <= 0xBF { return true }  // а–п
            if byte == 0xD1 && next >= 0x80 && next <= 0x9F { return true }  // р–я, ё and others
        }
        return false
    }

    /// Whether `text` starts with `word` followed by the end, a blank, a quote or punctuation.
    private static func startsWithWord(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard text.count >= word.count, text[0..<word.count].elementsEqual(word) else { return false }
        guard word.count < text.count else { return true }
        let next = text[word.count]
        // ASCII letters and digits, or the lead byte of a Cyrillic letter, continue the word.
        let isWordByte = (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9"))
            || (next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z"))
            || next == 0xD0 || next == 0xD1
        return !isWordByte
    }
}
