/// A font's Unicode → glyph id map, read from the `cmap` table (formats 4 and 12).
///
/// Rule: prefers the full-repertoire subtable (3,10)/(0,4+) format 12, then (3,1)/(0,x) format 4;
/// characters the font lacks map to glyph 0 (.notdef).
struct CharacterMap: Sendable {
    private var basic: [UInt16]          // indexed by BMP code point
    private var supplementary: [UInt32: UInt16]

    func glyph(for scalar: Unicode.Scalar) -> UInt16 {
        let v = scalar.value
        return v < 0x10000 ? basic[Int(v)] : supplementary[v] ?? 0
    }

    init(font: FontBytes, table: Int, length: Int) throws {
        basic = [UInt16](repeating: 0, count: 0x10000)
        supplementary = [:]
        let count = Int(try font.u16(table + 2))
        var format4: Int?
        var format12: Int?
        for i in 0..<count {
            let record = table + 4 + 8 * i
            let platform = try font.u16(record), encoding = try font.u16(record + 2)
            let offset = table + Int(try font.u32(record + 4))
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard unicode else { continue }
            switch try font.u16(offset) {
            case 4: if format4 == nil { format4 = offset }
            case 12: if format12 == nil { format12 = offset }
            default: break
            }
        }
        if let offset = format12 {
            try readFormat12(font, offset)
        } else if let offset = format4 {
            try readFormat4(font, offset)
        } else {
            throw PDFFontError.malformed("no Unicode cmap subtable of format 4 or 12")
        }
    }

    private mutating func set(_ code: UInt32, _ glyph: UInt16) {
        if code < 0x10000 { basic[Int(code)] = glyph } else if code <= 0x10FFFF { supplementary[code] = glyph }
    }

    private mutating func readFormat4(_ font: FontBytes, _ offset: Int) throws {
        let segments = Int(try font.u16(offset + 6)) / 2
        let ends = offset + 14
        let starts = ends + 2 * segments + 2
        let deltas = starts + 2 * segments
        let rangeOffsets = deltas + 2 * segments
        for s in 0..<segments {
            let end = UInt32(try font.u16(ends + 2 * s)), start = UInt32(try font.u16(starts + 2 * s))
            let delta = try font.u16(deltas + 2 * s)
            let rangeOffsetPosition = rangeOffsets + 2 * s
            let rangeOffset = Int(try font.u16(rangeOffsetPosition))
            guard start <= end, start != 0xFFFF else { continue }
            for code in start...end {
                var glyph: UInt16
                if rangeOffset == 0 {
                    glyph = UInt16(truncatingIfNeeded: code) &+ delta
                } else {
                    let at = rangeOffsetPosition + rangeOffset + 2 * Int(code - start)
                    glyph = try font.u16(at)
                    if glyph != 0 { glyph = glyph &+ delta }
                }
                if glyph != 0 { set(code, glyph) }
            }
        }
    }

    private mutating func readFormat12(_ font: FontBytes, _ offset: Int) throws {
        let groups = Int(try font.u32(offset + 12))
        for g in 0..<groups {
            let record = offset + 16 + 12 * g
            let start = try font.u32(record), end = try font.u32(record + 4), first = try font.u32(record + 8)
            guard start <= end, end <= 0x10FFFF else { continue }
            for code in start...end {
                let glyph = first + (code - start)
                if glyph > 0 && glyph <= 0xFFFF { set(code, UInt16(glyph)) }
            }
        }
    }
}
