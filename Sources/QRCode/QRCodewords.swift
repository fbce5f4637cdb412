/// Turns bytes into the final codeword sequence of a symbol: byte mode segment, terminator,
/// pad bytes, Reed–Solomon blocks and interleaving.
enum QRCodewords {
    /// The smallest version at or above `minimum` whose byte mode capacity holds `count` bytes.
    static func smallestVersion(count: Int, correction: QRErrorCorrection, minimum: Int = 1) throws -> Int {
        for version in minimum...40
        where QRVersionTable.byteCapacity(version: version, correction: correction) >= count {
            return version
        }
        throw QRCodeError.dataTooLong(
            count: count, capacity: QRVersionTable.byteCapacity(version: 40, correction: correction))
    }

    /// The data codewords: mode indicator 0100, character count, the bytes, up to four zero
    /// bits of terminator, zero bits to a byte boundary, then 0xEC and 0x11 alternately.
    static func dataCodewords(bytes: [UInt8], version: Int, correction: QRErrorCorrection) -> [UInt8] {
        let capacity = QRVersionTable.layout(version: version, correction: correction).dataCodewords
        var buffer = QRBitBuffer()
        buffer.append(0b0100, length: 4)
        buffer.append(bytes.count, length: QRVersionTable.characterCountBits(version: version))
        for byte in bytes { buffer.append(Int(byte), length: 8) }
        let capacityBits = capacity * 8
        buffer.append(0, length: min(4, capacityBits - buffer.count))
        buffer.append(0, length: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data codewords into blocks, adds each block's error correction codewords
    /// and interleaves: first data codewords column by column, then error correction ones.
    static func interleaved(data: [UInt8], version: Int, correction: QRErrorCorrection) -> [UInt8] {
        let layout = QRVersionTable.layout(version: version, correction: correction)
        precondition(data.count == layout.dataCodewords, "wrong number of data codewords")
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<layout.blockCount {
            let length = layout.shortBlockDataCodewords + (index < layout.shortBlockCount ? 0 : 1)
            let block = Array(data[start..<start + length])
            start += length
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.errorCorrection(for: block, degree: layout.ecCodewordsPerBlock))
        }
        var result: [UInt8] = []
        result.reserveCapacity(layout.totalCodewords)
        for column in 0...layout.shortBlockDataCodewords {
            for block in dataBlocks where column < block.count {
                result.append(block[column])
            }
        }
        for column in 0..<layout.ecCodewordsPerBlock {
            for block in ecBlocks { result.append(block[column]) }
        }
        return result
    }
}
