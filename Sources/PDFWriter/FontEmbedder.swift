/// Writes one font's five PDF objects: the Type0 font (Identity-H), its CIDFontType2 descendant
/// with /W widths, the font descriptor, the subset program (/FontFile2) and the ToUnicode CMap.
///
/// Rule: CIDs are glyph ids (/CIDToGIDMap /Identity); widths are in 1/1000 em; the base font
/// name is the subset tag plus the PostScript name, e.g. "ABCDEF+DejaVuSans".
struct FontEmbedder {
    let usage: FontUsage
    let firstObject: Int

    func write(to file: inout PDFFileWriter) throws {
        let font = usage.font.font
        let glyphs = usage.glyphs
        let program = try FontSubsetter(font: font).subset(glyphs)
        let baseFont = FontSubsetter.tag(for: glyphs, name: font.postScriptName) + "+" + font.postScriptName
        let scale = 1000 / Double(font.unitsPerEm)
        let (type0, cidFont, descriptor, fontFile, toUnicode) =
            (firstObject, firstObject + 1, firstObject + 2, firstObject + 3, firstObject + 4)

        file.object(type0) { out in
            out.append("<< /Type /Font /Subtype /Type0 /BaseFont ")
            out.name(baseFont)
            out.append(" /Encoding /Identity-H /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
        }
        file.object(cidFont) { out in
            out.append("<< /Type /Font /Subtype /CIDFontType2 /BaseFont ")
            out.name(baseFont)
            out.append(" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>")
            out.append(" /FontDescriptor \(descriptor) 0 R /CIDToGIDMap /Identity /DW 0 /W [")
            writeWidths([0] + glyphs, scale: scale, to: &out)
            out.append("] >>")
        }
        file.object(descriptor) { out in
            var flags = 32
            if font.isFixedPitch { flags |= 1 }
            if font.italicAngle != 0 { flags |= 64 }
            out.append("<< /Type /FontDescriptor /FontName ")
            out.name(baseFont)
            out.append(" /Flags \(flags) /FontBBox [")
            for value in font.boundingBox { out.number(Double(value) * scale); out.space() }
            out.append("] /ItalicAngle ")
            out.number(font.italicAngle)
            out.append(" /Ascent ")
            out.number(Double(font.ascender) * scale)
            out.append(" /Descent ")
            out.number(Double(font.descender) * scale)
            out.append(" /CapHeight ")
            out.number(Double(font.capHeight) * scale)
            out.append(" /StemV \(font.isBold ? 120 : 80) /FontFile2 \(fontFile) 0 R >>")
        }
        file.stream(fontFile, data: program) { out in
            out.append(" /Length1 \(program.count)")
        }
        file.stream(toUnicode, data: ToUnicodeCMap.make(usage.unicode))
    }

    /// Writes /W entries `c [w1 w2 …]` for runs of consecutive glyph ids.
    private func writeWidths(_ glyphs: [UInt16], scale: Double, to out: inout ByteWriter) {
        var index = 0
        while index < glyphs.count {
            var end = index + 1
            while end < glyphs.count && glyphs[end] == glyphs[end - 1] + 1 { end += 1 }
            out.integer(Int(glyphs[index]))
            out.append(" [")
            for k in index..<end {
                if k > index { out.space() }
                out.number(Double(usage.font.advance(glyphs[k])) * scale)
            }
            out.append("] ")
            index = end
        }
    }
}
