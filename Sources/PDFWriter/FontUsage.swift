/// What one document uses of one font: its resource name and the glyphs shown, each with the
/// text it stands for (for the ToUnicode CMap).
///
/// Rule: the first character sequence seen for a glyph wins; glyph 0 (.notdef) never gets a mapping.
final class FontUsage {
    let font: PDFFont
    let resourceName: String
    private(set) var unicode: [UInt16: String] = [:]

    init(font: PDFFont, resourceName: String) {
        self.font = font
        self.resourceName = resourceName
    }

    /// Records the glyphs shown for `text` (`PDFFont.shown`: a fallback glyph maps to its own
    /// character, not the one it replaces) and writes them to `content` as a hex string of 2-byte
    /// Identity-H codes.
    func encode(_ text: String, into content: inout ByteWriter) {
        content.byte(UInt8(ascii: "<"))
        for scalar in text.unicodeScalars {
            guard let (gid, character) = font.shown(scalar) else { continue }
            if gid != 0 && unicode[gid] == nil { unicode[gid] = String(character) }
            content.hex16(gid)
        }
        content.byte(UInt8(ascii: ">"))
    }

    /// Glyph ids shown, sorted (without .notdef).
    var glyphs: [UInt16] { unicode.keys.sorted() }
}
