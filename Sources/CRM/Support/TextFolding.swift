/// Case folding for search and "contains" filters. SQLite's LIKE and lower() fold ASCII only;
/// this folds every script (Cyrillic included) and treats ё as е, as Russian users expect.
package enum TextFolding {
    package static func fold(_ text: String) -> String {
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
