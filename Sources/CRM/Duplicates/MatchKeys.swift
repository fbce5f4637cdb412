import Foundation

/// Normalized keys that find the same company or person however the name was typed:
/// case, quotes, punctuation and legal-form words do not matter (REFERENCE-ru.md, S11).
package enum MatchKeys {
    /// Legal forms dropped from company titles, longest first so that a long form wins.
    static let legalForms = [
        "общество с ограниченной ответственностью", "индивидуальный предприниматель", "публичное акционерное общество",
        "непубличное акционерное общество", "закрытое акционерное общество", "открытое акционерное общество",
        "акционерное общество", "ооо", "пао", "зао", "оао", "нао", "ао", "ип",
    ]

    /// `ООО «Ромашка»`, `"Ромашка" ООО` and `ромашка` all give `ромашка`.
    package static func companyTitle(_ title: String) -> String? {
        var text = " " + words(title).joined(separator: " ") + " "
        for form in legalForms {
            text = text.replacingAll(" \(form) ", with: " ")
        }
        let key = text.split(separator: " ").joined(separator: " ")
        return key.isEmpty ? nil : key
    }

    /// A person's name as a key: the folded words of last, first and middle name in sorted order,
    /// so "Петров Иван" and "Иван Петров" meet. A single word is too weak to be a key.
    package static func personName(lastName: String?, name: String?, secondName: String?) -> String? {
        personName([lastName, name, secondName].compactMap { $0 }.joined(separator: " "))
    }

    /// The same key for a full name typed as one string.
    package static func personName(_ fullName: String) -> String? {
        let parts = words(fullName).sorted()
        return parts.count >= 2 ? parts.joined(separator: " ") : nil
    }

    private static func words(_ text: String) -> [String] {
        TextFolding.fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = self
        while let range = result.range(of: target) { result.replaceSubrange(range, with: replacement) }
        return result
    }
}
