/// A parsed TrueType font file: its table directory, metrics, character map and glyph locations.
///
/// Rule: only sfnt version 0x00010000 or 'true' with a `glyf` table is accepted; 'OTTO' (CFF)
/// and collections are rejected. The object is immutable once built, so it can be shared freely.
final class TrueTypeFont: Sendable {
    struct Table: Sendable { let offset: Int; let length: Int }

    let file: FontBytes
    let tables: [String: Table]
    let unitsPerEm: Int
    let glyphCount: Int
    let metricCount: Int
    let advances: [UInt16]
    let characterMap: CharacterMap
    let longOffsets: Bool
    let postScriptName: String
    let boundingBox: [Int]
    let italicAngle: Double
    let ascender: Int
    let descender: Int
    let capHeight: Int
    let isBold: Bool
    let isFixedPitch: Bool

    init(bytes: [UInt8]) throws {
        let file = FontBytes(bytes: bytes)
        self.file = file
        let version = try file.u32(0)
        if version == 0x4F54_544F { throw PDFFontError.cffOutlinesNotSupported }
        guard version == 0x0001_0000 || version == 0x7472_7565 else { throw PDFFontError.notTrueType }
        var tables: [String: Table] = [:]
        for i in 0..<Int(try file.u16(4)) {
            let record = 12 + 16 * i
            let tag = String(decoding: try file.slice(record, 4), as: UTF8.self)
            let table = Table(offset: Int(try file.u32(record + 8)), length: Int(try file.u32(record + 12)))
            _ = try file.slice(table.offset, table.length)
            tables[tag] = table
        }
        self.tables = tables
        func required(_ tag: String) throws -> Table {
            guard let table = tables[tag] else { throw PDFFontError.missingTable(tag) }
            return table
        }
        if tables["glyf"] == nil && (tables["CFF "] != nil || tables["CFF2"] != nil) {
            throw PDFFontError.cffOutlinesNotSupported
        }
        let head = try required("head"), hhea = try required("hhea"), maxp = try required("maxp")
        let hmtx = try required("hmtx"), cmap = try required("cmap")
        _ = try required("glyf"); _ = try required("loca")
        unitsPerEm = max(16, Int(try file.u16(head.offset + 18)))
        boundingBox = try [36, 38, 40, 42].map { Int(try file.i16(head.offset + $0)) }
        isBold = try file.u16(head.offset + 44) & 1 != 0
        longOffsets = try file.i16(head.offset + 50) != 0
        glyphCount = Int(try file.u16(maxp.offset + 4))
        ascender = Int(try file.i16(hhea.offset + 4))
        descender = Int(try file.i16(hhea.offset + 6))
        metricCount = max(1, min(glyphCount, Int(try file.u16(hhea.offset + 34))))
        guard metricCount * 4 <= hmtx.length else { throw PDFFontError.malformed("hmtx shorter than numberOfHMetrics") }
        var advances = [UInt16](repeating: 0, count: glyphCount)
        for gid in 0..<glyphCount {
            advances[gid] = try file.u16(hmtx.offset + 4 * min(gid, metricCount - 1))
        }
        self.advances = advances
        characterMap = try CharacterMap(font: file, table: cmap.offset, length: cmap.length)
        if let post = tables["post"], post.length >= 16 {
            italicAngle = Double(try file.u32(post.offset + 4).asFixed)
            isFixedPitch = try file.u32(post.offset + 12) != 0
        } else {
            italicAngle = 0
            isFixedPitch = false
        }
        if let os2 = tables["OS/2"], os2.length >= 90, try file.u16(os2.offset) >= 2 {
            capHeight = Int(try file.i16(os2.offset + 88))
        } else {
            capHeight = ascender
        }
        postScriptName = try TrueTypeFont.readPostScriptName(file, tables["name"]) ?? "Font"
    }

    /// The byte range of glyph `gid`'s outline inside the file (empty for blank glyphs).
    func glyphRange(_ gid: Int) throws -> Range<Int> {
        guard gid >= 0, gid < glyphCount else { return 0..<0 }
        let loca = tables["loca"]!.offset, glyf = tables["glyf"]!
        let start: Int, end: Int
        if longOffsets {
            start = Int(try file.u32(loca + 4 * gid)); end = Int(try file.u32(loca + 4 * gid + 4))
        } else {
            start = 2 * Int(try file.u16(loca + 2 * gid)); end = 2 * Int(try file.u16(loca + 2 * gid + 2))
        }
        guard start <= end, end <= glyf.length else { throw PDFFontError.malformed("loca entry of glyph \(gid)") }
        return (glyf.offset + start)..<(glyf.offset + end)
    }

    /// The glyph ids a composite glyph refers to (empty for simple glyphs).
    func components(of gid: Int) throws -> [Int] {
        let range = try glyphRange(gid)
        guard range.count >= 10, try file.i16(range.lowerBound) < 0 else { return [] }
        var result: [Int] = []
        var at = range.lowerBound + 10
        while true {
            let flags = try file.u16(at)
            result.append(Int(try file.u16(at + 2)))
            at += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { at += 2 } else if flags & 0x0040 != 0 { at += 4 } else if flags & 0x0080 != 0 { at += 8 }
            guard flags & 0x0020 != 0, at < range.upperBound else { break }
        }
        return result
    }

    /// The horizontal metrics (advance width, left side bearing) of `gid` as stored in `hmtx`.
    func horizontalMetrics(_ gid: Int) throws -> (advance: UInt16, leftSideBearing: UInt16) {
        let hmtx = tables["hmtx"]!.offset
        if gid < metricCount { return (try file.u16(hmtx + 4 * gid), try file.u16(hmtx + 4 * gid + 2)) }
        let lsb = hmtx + 4 * metricCount + 2 * (gid - metricCount)
        return (advances[gid], lsb + 2 <= hmtx + tables["hmtx"]!.length ? try file.u16(lsb) : 0)
    }

    private static func readPostScriptName(_ file: FontBytes, _ table: Table?) throws -> String? {
        guard let table else { return nil }
        let count = Int(try file.u16(table.offset + 2))
        let storage = table.offset + Int(try file.u16(table.offset + 4))
        for i in 0..<count {
            let record = table.offset + 6 + 12 * i
            let platform = try file.u16(record)
            guard try file.u16(record + 6) == 6 else { continue }
            let raw = try file.slice(storage + Int(try file.u16(record + 10)), Int(try file.u16(record + 8)))
            var name = ""
            if platform == 3 || platform == 0 {
                let units = stride(from: raw.startIndex, to: raw.endIndex - 1, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
                name = String(decoding: units, as: UTF16.self)
            } else {
                name = String(decoding: raw, as: UTF8.self)
            }
            let cleaned = String(name.unicodeScalars.filter {
                $0.value > 0x20 && $0.value < 0x7F && !"()<>[]{}/%#".unicodeScalars.contains($0)
            })
            if !cleaned.isEmpty { return cleaned }
        }
        return nil
    }
}

extension UInt32 {
    /// This value read as a 16.16 fixed-point number.
    var asFixed: Double { Double(Int32(bitPattern: self)) / 65536 }
}
