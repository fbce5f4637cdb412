/// Builds a subset TrueType font program for embedding as /FontFile2.
///
/// Rule: glyph ids are kept (so the PDF's CIDs equal both the original and the subset glyph ids,
/// with /CIDToGIDMap /Identity); the subset holds outlines only for .notdef, the requested glyphs
/// and the components of composite glyphs among them, and is cut after the highest glyph kept.
/// Tables written: OS/2, cvt, fpgm, glyf, head, hhea, hmtx, loca, maxp, post (v3), prep — those present.
struct FontSubsetter {
    let font: TrueTypeFont

    /// The requested glyphs plus .notdef plus all composite components, sorted.
    func closure(of glyphs: [UInt16]) throws -> [Int] {
        var kept = Set<Int>([0])
        var pending = glyphs.map(Int.init).filter { $0 < font.glyphCount }
        while let gid = pending.popLast() {
            guard kept.insert(gid).inserted || gid == 0 else { continue }
            pending += try font.components(of: gid).filter { $0 < font.glyphCount && !kept.contains($0) }
        }
        return kept.sorted()
    }

    func subset(_ glyphs: [UInt16]) throws -> [UInt8] {
        let kept = try closure(of: glyphs)
        let count = (kept.last ?? 0) + 1
        let keptSet = Set(kept)
        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        var hmtx: [UInt8] = []
        loca.reserveCapacity(4 * (count + 1))
        hmtx.reserveCapacity(4 * count)
        for gid in 0..<count {
            loca.appendBigEndian(UInt32(glyf.count))
            if keptSet.contains(gid) {
                glyf.append(contentsOf: font.file.bytes[try font.glyphRange(gid)])
                while glyf.count % 4 != 0 { glyf.append(0) }
                let metrics = try font.horizontalMetrics(gid)
                hmtx.appendBigEndian(metrics.advance); hmtx.appendBigEndian(metrics.leftSideBearing)
            } else {
                hmtx.appendBigEndian(UInt32(0))
            }
        }
        loca.appendBigEndian(UInt32(glyf.count))

        var tables: [(String, [UInt8])] = [("glyf", glyf), ("loca", loca), ("hmtx", hmtx)]
        guard font.tables["head"]!.length >= 54, font.tables["hhea"]!.length >= 36, font.tables["maxp"]!.length >= 6 else {
            throw PDFFontError.malformed("head, hhea or maxp table too short")
        }
        var head = Array(try original("head"))
        head.replaceBigEndian(at: 8, UInt32(0))   // checkSumAdjustment, set below
        head.replaceBigEndian(at: 50, UInt16(1))  // indexToLocFormat: long offsets
        var hhea = Array(try original("hhea"))
        hhea.replaceBigEndian(at: 34, UInt16(count))
        var maxp = Array(try original("maxp"))
        maxp.replaceBigEndian(at: 4, UInt16(count))
        tables += [("head", head), ("hhea", hhea), ("maxp", maxp)]
        if font.tables["post"] != nil {
            var post = Array(try original("post").prefix(32))
            if post.count == 32 {
                post.replaceBigEndian(at: 0, UInt32(0x0003_0000))
                tables.append(("post", post))
            }
        }
        for tag in ["OS/2", "cvt ", "fpgm", "prep"] where font.tables[tag] != nil {
            tables.append((tag, Array(try original(tag))))
        }
        return assemble(tables)
    }

    private func original(_ tag: String) throws -> ArraySlice<UInt8> {
        guard let table = font.tables[tag] else { throw PDFFontError.missingTable(tag) }
        return try font.file.slice(table.offset, table.length)
    }

    /// Writes the sfnt header, the table directory (sorted by tag) and the 4-byte-aligned tables,
    /// then sets head.checkSumAdjustment so the whole file sums to 0xB1B0AFBA.
    private func assemble(_ unsorted: [(String, [UInt8])]) -> [UInt8] {
        let tables = unsorted.sorted { $0.0 < $1.0 }
        var out: [UInt8] = []
        let n = tables.count
        var power = 1, log2 = 0
        while power * 2 <= n { power *= 2; log2 += 1 }
        out.appendBigEndian(UInt32(0x0001_0000))
        out.appendBigEndian(UInt16(n))
        out.appendBigEndian(UInt16(power * 16))
        out.appendBigEndian(UInt16(log2))
        out.appendBigEndian(UInt16(n * 16 - power * 16))
        var offset = 12 + 16 * n
        var headOffset = 0
        for (tag, data) in tables {
            out.append(contentsOf: Array(tag.utf8))
            out.appendBigEndian(FontSubsetter.checksum(data))
            out.appendBigEndian(UInt32(offset))
            out.appendBigEndian(UInt32(data.count))
            if tag == "head" { headOffset = offset }
            offset += (data.count + 3) & ~3
        }
        for (_, data) in tables {
            out.append(contentsOf: data)
            while out.count % 4 != 0 { out.append(0) }
        }
        out.replaceBigEndian(at: headOffset + 8, 0xB1B0_AFBA &- FontSubsetter.checksum(out))
        return out
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var i = 0
        while i < data.count {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(i + k < data.count ? data[i + k] : 0) }
            sum &+= word
            i += 4
        }
        return sum
    }

    /// A six-letter tag derived from the glyph set (deterministic), as in "ABCDEF+DejaVuSans".
    static func tag(for glyphs: [UInt16], name: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for gid in glyphs { hash = (hash ^ UInt64(gid)) &* 0x100_0000_01B3 }
        var letters = ""
        for _ in 0..<6 { letters.append(Character(Unicode.Scalar(UInt8(65 + hash % 26)))); hash /= 26 }
        return letters
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8)); append(UInt8(value & 0xFF))
    }

    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24)); append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF)); append(UInt8(value & 0xFF))
    }

    mutating func replaceBigEndian(at offset: Int, _ value: UInt16) {
        self[offset] = UInt8(value >> 8); self[offset + 1] = UInt8(value & 0xFF)
    }

    mutating func replaceBigEndian(at offset: Int, _ value: UInt32) {
        self[offset] = UInt8(value >> 24); self[offset + 1] = UInt8((value >> 16) & 0xFF)
        self[offset + 2] = UInt8((value >> 8) & 0xFF); self[offset + 3] = UInt8(value & 0xFF)
    }
}
