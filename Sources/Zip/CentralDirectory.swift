/// Finds and parses a ZIP archive's central directory (APPNOTE 4.3.12–4.3.16), including the
/// ZIP64 end records and extra fields.
///
/// Every offset and length read from the file is checked against the file's size before use.
enum CentralDirectory {
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let headerSignature: UInt32 = 0x0201_4B50

    static func read(_ file: ArchiveFile) throws(ZipError) -> [ZipEntry] {
        guard file.size >= 22 else { throw .corrupt("too short for a ZIP archive") }
        // The end record is 22 bytes plus a comment of up to 65,535 bytes.
        let tailLength = Int(min(file.size, 22 + 65_535))
        let tailOffset = file.size - Int64(tailLength)
        let tail = LittleEndianBytes(try file.bytes(at: tailOffset, count: tailLength, what: "end of the archive"))
        guard let end = findEndRecord(tail) else {
            throw .corrupt("no end of central directory record")
        }
        var diskNumber = Int64(tail.uint16(end + 4))
        var directoryDisk = Int64(tail.uint16(end + 6))
        var entryCount = Int64(tail.uint16(end + 10))
        var directorySize = Int64(tail.uint32(end + 12))
        var directoryOffset = Int64(tail.uint32(end + 16))

        let locatorOffset = tailOffset + Int64(end) - 20
        if locatorOffset >= 0 {
            let locator = LittleEndianBytes(try file.bytes(at: locatorOffset, count: 20, what: "ZIP64 locator"))
            if locator.uint32(0) == zip64LocatorSignature {
                let recordOffset = Int64(bitPattern: locator.uint64(8))
                let record = LittleEndianBytes(try file.bytes(at: recordOffset, count: 56, what: "ZIP64 end record"))
                guard record.uint32(0) == zip64EndSignature else { throw .corrupt("bad ZIP64 end record") }
                diskNumber = Int64(record.uint32(16))
                directoryDisk = Int64(record.uint32(20))
                entryCount = Int64(bitPattern: record.uint64(32))
                directorySize = Int64(bitPattern: record.uint64(40))
                directoryOffset = Int64(bitPattern: record.uint64(48))
            }
        }
        guard diskNumber == 0, directoryDisk == 0 else { throw .unsupported("archives split over several disks") }
        guard directorySize >= 0, directoryOffset >= 0, directoryOffset + directorySize <= file.size,
            directorySize <= Int64(Int32.max), entryCount >= 0, entryCount <= directorySize / 46
        else {
            throw .corrupt("the central directory lies outside the file")
        }
        let directory = LittleEndianBytes(
            try file.bytes(at: directoryOffset, count: Int(directorySize), what: "central directory"))
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(entryCount))
        var offset = 0
        for _ in 0..<entryCount {
            let (entry, next) = try parseHeader(directory, at: offset, fileSize: file.size)
            entries.append(entry)
            offset = next
        }
        return entries
    }

    /// The offset in `tail` of the last end record whose comment fits the file.
    private static func findEndRecord(_ tail: LittleEndianBytes) -> Int? {
        var offset = tail.bytes.count - 22
        while offset >= 0 {
            if tail.uint32(offset) == endSignature,
                offset + 22 + Int(tail.uint16(offset + 20)) <= tail.bytes.count
            {
                return offset
            }
            offset -= 1
        }
        return nil
    }

    private static func parseHeader(
        _ directory: LittleEndianBytes, at offset: Int, fileSize: Int64
    ) throws(ZipError) -> (ZipEntry, Int) {
        guard directory.contains(offset, count: 46), directory.uint32(offset) == headerSignature else {
            throw .corrupt("bad central directory header")
        }
        let flags = directory.uint16(offset + 8)
        let method = directory.uint16(offset + 10)
        let crc = directory.uint32(offset + 16)
        var compressedSize = Int64(directory.uint32(offset + 20))
        var uncompressedSize = Int64(directory.uint32(offset + 24))
        let nameLength = Int(directory.uint16(offset + 28))
        let extraLength = Int(directory.uint16(offset + 30))
        let commentLength = Int(directory.uint16(offset + 32))
        var diskStart = Int64(directory.uint16(offset + 34))
        var localOffset = Int64(directory.uint32(offset + 42))
        guard let nameBytes = directory.slice(offset + 46, count: nameLength),
            let extra = directory.slice(offset + 46 + nameLength, count: extraLength),
            directory.contains(offset + 46 + nameLength + extraLength, count: commentLength)
        else {
            throw .corrupt("a central directory header runs past the directory")
        }
        // ZIP64 extended information: only the fields whose 32-bit value is saturated, in order.
        let fields = LittleEndianBytes(Array(extra))
        var position = 0
        while position + 4 <= fields.bytes.count {
            let id = fields.uint16(position)
            let size = Int(fields.uint16(position + 2))
            if id == 0x0001 {
                var cursor = position + 4
                let fieldEnd = cursor + size
                func next() throws(ZipError) -> Int64 {
                    guard cursor + 8 <= fieldEnd, fields.contains(cursor, count: 8) else {
                        throw .corrupt("short ZIP64 extra field")
                    }
                    defer { cursor += 8 }
                    return Int64(bitPattern: fields.uint64(cursor))
                }
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try next() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                if diskStart == 0xFFFF, cursor + 4 <= fieldEnd { diskStart = Int64(fields.uint32(cursor)) }
            }
            position += 4 + size
        }
        guard diskStart == 0 else { throw .unsupported("archives split over several disks") }
        guard compressedSize >= 0, uncompressedSize >= 0, localOffset >= 0, localOffset + 30 <= fileSize else {
            throw .corrupt("an entry lies outside the file")
        }
        let name = decodeName(Array(nameBytes))
        let entry = ZipEntry(
            name: name, method: .init(code: method), compressedSize: compressedSize,
            uncompressedSize: uncompressedSize, crc32: crc, flags: flags, localHeaderOffset: localOffset)
        return (entry, offset + 46 + nameLength + extraLength + commentLength)
    }

    /// UTF-8 when valid (flagged or not); otherwise non-ASCII bytes of the legacy code page
    /// become `?`.
    private static func decodeName(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(decoding: bytes.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
