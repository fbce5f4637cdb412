import Testing
@testable import CRM

/// The one-pass fold gives exactly what the general one gives, for every text: the folded
/// columns stored in the database were written by the general one.
@Suite struct TextFoldingTests {
    /// What the one-pass fold takes: Latin and Cyrillic letters, digits, punctuation.
    static let plain: [String] = "AZaz09 .,;:!?-/()\"'\r\n\t№«»–—“”„…\u{00A0}ЁёЙйЀЏѐџАЯаяЂђЉљІіЇїЎў".map(String.init)
    /// What sends a text to the general fold: other scripts, letters that fold to two, and
    /// marks and joiners that make «ё» part of another character (or «е» + ◌̈ one).
    static let other: [String] = "ΣσςİıẞßǅÀàÉé😀".map(String.init) + ["е\u{0308}", "Е\u{0308}", "ё\u{0301}", "\u{0306}", "\u{200D}", "\u{FE0F}"]

    @Test func theOnePassFoldIsTheGeneralFold() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4_000 {
            let pool = round.isMultiple(of: 2) ? Self.plain : Self.plain + Self.other
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pool.randomElement(using: &generator)! }.joined()
            let general = TextFolding.foldedByCharacters(text)
            #expect(Array(TextFolding.fold(text).utf8) == Array(general.utf8), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(TextFolding.fold("Счёт ЁЛКИ №15 «Ёж»") == "счет елки №15 «еж»")
        #expect(TextFolding.fold("е\u{0308}ж") == "еж")
    }
}
