import Foundation

/// A TrueType font loaded from a file, for measuring text and for embedding (as a subset) in a PDF.
///
/// Rule: text is mapped character by character (Unicode scalar → glyph through the font's `cmap`,
/// no shaping or kerning). What is drawn never shows the empty .notdef box: control characters
/// (tab, CR, LF…) and whitespace the font lacks show as a space, other characters it lacks (emoji,
/// CJK…) as «?», invisible format characters and marks it lacks as nothing (see `shown`). Widths
/// measured here are exactly the advances the PDF shows, so layout and rendering agree.
public struct PDFFont: Sendable {
    let font: TrueTypeFont
    /// Identifies the font inside a document: fonts loaded from the same path share one embedding.
    let key: String

    /// Loads and parses the TrueType font at `path`. Throws `PDFFontError` for unreadable files,
    /// CFF-flavoured OpenType (OTTO) and malformed fonts.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PDFFontError.unreadable(path: path) }
        try self.init(bytes: [UInt8](data), key: path)
    }

    /// Parses a TrueType font from its bytes; `key` identifies it inside a document.
    public init(bytes: [UInt8], key: String) throws {
        font = try TrueTypeFont(bytes: bytes)
        self.key = key
    }

    /// The font's PostScript name (name table id 6), e.g. "DejaVuSans-Bold".
    public var postScriptName: String { font.postScriptName }

    /// Ascender above the baseline, per 1 pt of font size (positive).
    public var ascent: Double { Double(font.ascender) / Double(font.unitsPerEm) }

    /// Descender below the baseline, per 1 pt of font size (negative).
    public var descent: Double { Double(font.descender) / Double(font.unitsPerEm) }

    /// The glyph id the font uses for `scalar` (0 when the font lacks it).
    public func glyph(for scalar: Unicode.Scalar) -> UInt16 { font.characterMap.glyph(for: scalar) }

    /// The glyph drawn for `scalar` and the character it stands for, or nil when nothing is drawn:
    /// the scalar's own glyph; a space for a control character or a whitespace the font lacks;
    /// nothing for a format character (zero-width joiner, variation selector…) or a combining
    /// mark the font lacks; «?» for any other character it lacks.
    public func shown(_ scalar: Unicode.Scalar) -> (glyph: UInt16, character: Unicode.Scalar)? {
        let properties = scalar.properties
        if properties.generalCategory == .control { return (glyph(for: " "), " ") }
        let own = glyph(for: scalar)
        if own != 0 { return (own, scalar) }
        if properties.isWhitespace { return (glyph(for: " "), " ") }
        switch properties.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .spacingMark: return nil
        default: return (glyph(for: "?"), "?")
        }
    }

    /// Whether the font has a glyph for every character of `text`.
    public func covers(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { glyph(for: $0) != 0 } }

    /// The advance width of glyph `gid` in font units.
    func advance(_ gid: UInt16) -> Int { Int(gid) < font.advances.count ? Int(font.advances[Int(gid)]) : 0 }

    /// The advance width of `text` in points at `size`: the sum of the advances of the glyphs shown.
    public func width(of text: String, size: Double) -> Double {
        var units = 0
        for scalar in text.unicodeScalars { if let shown = shown(scalar) { units += advance(shown.glyph) } }
        return Double(units) * size / Double(font.unitsPerEm)
    }
}
