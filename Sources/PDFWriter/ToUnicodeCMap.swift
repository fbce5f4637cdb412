/// The ToUnicode CMap of a Type0 font: maps each 2-byte code (glyph id) to the text it stands for,
/// so readers can extract and search the text.
///
/// Rule: one `bfchar` entry per glyph, in ascending code order, at most 100 per block
/// (the limit of PDF 1.7 §9.10.3); destinations are UTF-16BE, surrogate pairs included.
enum ToUnicodeCMap {
    static func make(_ mapping: [UInt16: String]) -> [UInt8] {
        var out = ByteWriter(capacity: 400 + mapping.count * 16)
        out.append("""
        /CIDInit /ProcSet findresource begin
        12 dict begin
        begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        /CMapName /Adobe-Identity-UCS def
        /CMapType 2 def
        1 begincodespacerange
        <0000> <FFFF>
        endcodespacerange

        """)
        let codes = mapping.keys.sorted()
        var start = 0
        while start < codes.count {
            let block = codes[start..<min(start + 100, codes.count)]
            out.integer(block.count)
            out.append(" beginbfchar\n")
            for code in block {
                out.byte(UInt8(ascii: "<")); out.hex16(code); out.append("> <")
                for unit in mapping[code]!.utf16 { out.hex16(unit) }
                out.append(">\n")
            }
            out.append("endbfchar\n")
            start += 100
        }
        out.append("""
        endcmap
        CMapName currentdict /CMap defineresource pop
        end
        end

        """)
        return out.bytes
    }
}
