/// Windows-1251 (Cyrillic) to UTF-8, a byte at a time through a table.
///
/// Each table entry holds the UTF-8 bytes of one code point, low byte first, and their count in
/// the top byte. The unassigned 0x98 becomes U+FFFD.
enum Windows1251 {
    /// Code points of 0x80–0xBF; 0xC0–0xFF are А–я (U+0410–U+044F).
    private static let upper: [UInt32] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    static let table: [UInt32] = (0..<256).map { byte in
        let scalar: UInt32 = byte < 0x80 ? UInt32(byte) : byte < 0xC0 ? upper[byte - 0x80] : 0x0410 + UInt32(byte - 0xC0)
        var packed: UInt32 = 0
        var count: UInt32 = 0
        for (index, unit) in String(Character(Unicode.Scalar(scalar)!)).utf8.enumerated() {
            packed |= UInt32(unit) << (8 * index)
            count += 1
        }
        return packed | count << 24
    }

    /// The most UTF-8 bytes one input byte becomes.
    static let maxExpansion = 3

    /// Writes the UTF-8 form of `input` to `output` (room for `3 × input.count` bytes) and
    /// returns the bytes written.
    static func transcode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        table.withUnsafeBufferPointer { table in
            for byte in input {
                if byte < 0x80 {
                    output[written] = byte
                    written &+= 1
                } else {
                    let entry = table[Int(byte)]
                    let count = Int(entry >> 24)
                    output[written] = UInt8(truncatingIfNeeded: entry)
                    output[written &+ 1] = UInt8(truncatingIfNeeded: entry >> 8)
                    if count == 3 { output[written &+ 2] = UInt8(truncatingIfNeeded: entry >> 16) }
                    written &+= count
                }
            }
        }
        return written
    }
}
