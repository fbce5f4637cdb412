import Foundation
import PDFWriter
import Testing

let dejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
let dejaVuSansBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

/// Loads a DejaVu font, failing with install advice if it is missing.
func loadFont(_ path: String) throws -> PDFFont {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ExternalTools.Missing(description: "\(path) missing; install it: apt-get install -y fonts-dejavu-core")
    }
    return try PDFFont(path: path)
}

@Suite struct FontTests {
    @Test func metricsMatchTheFontsAdvanceWidths() throws {
        let font = try loadFont(dejaVuSans)
        #expect(font.postScriptName == "DejaVuSans")
        // DejaVu Sans: 2048 units per em, 'A' advances 1401 units, space 651 (from its hmtx table).
        #expect(font.width(of: "A", size: 2048) == 1401)
        #expect(font.width(of: " ", size: 2048) == 651)
        #expect(abs(font.width(of: "AA A", size: 10) - (3 * 1401 + 651) * 10 / 2048.0) < 1e-9)
        #expect(abs(font.ascent - 1901 / 2048.0) < 1e-9)
        #expect(abs(font.descent + 483 / 2048.0) < 1e-9)
    }

    @Test func widthAddsGlyphAdvancesIndependentlyOfSplitting() throws {
        let font = try loadFont(dejaVuSansBold)
        let text = "Итого: 12 345,67 ₽ «№»"
        let sum = text.map { font.width(of: String($0), size: 9) }.reduce(0, +)
        #expect(abs(font.width(of: text, size: 9) - sum) < 1e-9)
        #expect(font.width(of: "Ш", size: 10) > font.width(of: "г", size: 10))
        #expect(font.covers("Счет на оплату № 15 — «₽»"))
    }

    @Test func missingCharactersMapToNotdef() throws {
        let font = try loadFont(dejaVuSans)
        #expect(font.glyph(for: "\u{E000}") == 0)
        #expect(!font.covers("\u{E000}"))
        #expect(font.glyph(for: "Ж") != 0)
    }

    @Test func missingAndControlCharactersAreDrawnAsAFallbackNeverAsNotdef() throws {
        let font = try loadFont(dejaVuSans)
        let space = font.glyph(for: " "), question = font.glyph(for: "?")
        for control in ["\t", "\r", "\n", "\u{0}", "\u{1B}", "\u{85}"] as [Unicode.Scalar] {
            #expect(font.shown(control)! == (space, " "))
        }
        for missing in ["🦀", "電", "\u{E000}"] as [Unicode.Scalar] { #expect(font.shown(missing)! == (question, "?")) }
        #expect(font.shown("\u{E0001}") == nil)  // a format character (language tag) the font lacks draws nothing
        #expect(font.shown("Ж")! == (font.glyph(for: "Ж"), "Ж"))
        #expect(font.width(of: "a\tb🦀", size: 10) == font.width(of: "a b?", size: 10))
    }

    @Test func rejectsCFFAndNonFonts() throws {
        var otto = Array("OTTO".utf8) + [0, 1, 0, 0] + [UInt8](repeating: 0, count: 40)
        #expect(throws: PDFFontError.cffOutlinesNotSupported) { try PDFFont(bytes: otto, key: "x") }
        otto[0] = UInt8(ascii: "X")
        #expect(throws: PDFFontError.notTrueType) { try PDFFont(bytes: otto, key: "x") }
        #expect(throws: PDFFontError.unreadable(path: "/nonexistent/font.ttf")) { try PDFFont(path: "/nonexistent/font.ttf") }
        #expect(throws: PDFFontError.self) { try PDFFont(bytes: [0, 1, 0, 0, 0, 9], key: "x") }
        #expect(PDFFontError.cffOutlinesNotSupported.description.contains("CFF"))
    }
}
