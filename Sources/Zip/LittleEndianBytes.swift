/// Little-endian integer fields of ZIP records, read from a byte array with bounds checks.
struct LittleEndianBytes {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func contains(_ offset: Int, count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset + count <= bytes.count
    }

    func uint16(_ offset: Int) -> UInt16 {
        guard contains(offset, count: 2) else { return 0 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32(_ offset: Int) -> UInt32 {
        guard contains(offset, count: 4) else { return 0 }
        return UInt32(uint16(offset)) | UInt32(uint16(offset + 2)) << 16
    }

    func uint64(_ offset: Int) -> UInt64 {
        guard contains(offset, count: 8) else { return 0 }
        return UInt64(uint32(offset)) | UInt64(uint32(offset + 4)) << 32
    }

    func slice(_ offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard contains(offset, count: count) else { return nil }
        return bytes[offset..<(offset + count)]
    }
}
