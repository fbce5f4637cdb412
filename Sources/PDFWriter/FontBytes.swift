/// Big-endian reads over a font file's bytes, bounds-checked.
///
/// Rule: every read beyond the end throws `PDFFontError.malformed` instead of trapping.
struct FontBytes: Sendable {
    let bytes: [UInt8]

    func u8(_ offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw PDFFontError.malformed("read past end at \(offset)") }
        return bytes[offset]
    }

    func u16(_ offset: Int) throws -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { throw PDFFontError.malformed("read past end at \(offset)") }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func i16(_ offset: Int) throws -> Int16 { Int16(bitPattern: try u16(offset)) }

    func u32(_ offset: Int) throws -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { throw PDFFontError.malformed("read past end at \(offset)") }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    func slice(_ offset: Int, _ length: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, length >= 0, offset + length <= bytes.count else {
            throw PDFFontError.malformed("range \(offset)+\(length) outside the file")
        }
        return bytes[offset..<(offset + length)]
    }
}
