extension InflaterCore {
    /// An upper bound on the bits of a dynamic block header: 14 bits of counts, 19 code-length
    /// codes of 3 bits, then at most 316 code lengths of up to 7 + 7 bits.
    static let longestDynamicHeaderBits = 14 + 19 * 3 + 316 * 14

    /// The order in which code-length code lengths are sent (RFC 1951 §3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads the code lengths of a dynamic Huffman block (type 2) and builds its tables.
    func readDynamicTables(_ cursor: inout BitCursor) throws(InflateError) {
        cursor.refill()
        let literalCount = cursor.take(5) + 257
        let distanceCount = cursor.take(5) + 1
        let codeLengthCount = cursor.take(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .invalid("too many length or distance symbols")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            cursor.refill()
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(cursor.take(3))
        }
        let codeLengthTable = try HuffmanTable.build(
            lengths: codeLengthLengths[...], templates: HuffmanTable.codeLengthTemplates, primaryBits: 7)
        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            cursor.refill()
            let entry = codeLengthTable[cursor.peek(7)]
            guard entry & HuffmanTable.kindMask == HuffmanTable.literal else {
                throw .invalid("invalid code-length code")
            }
            cursor.drop(Int(entry & 0xF))
            let symbol = Int(entry >> 16)
            let value: UInt8
            let repeatCount: Int
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            case 16:
                guard index > 0 else { throw .invalid("repeat of a code length with none before it") }
                value = lengths[index - 1]
                repeatCount = 3 + cursor.take(2)
            case 17:
                value = 0
                repeatCount = 3 + cursor.take(3)
            default:
                value = 0
                repeatCount = 11 + cursor.take(7)
            }
            guard index + repeatCount <= total else { throw .invalid("code lengths repeat past the end") }
            for offset in index..<(index + repeatCount) {
                lengths[offset] = value
            }
            index += repeatCount
        }
        guard lengths[256] != 0 else { throw .invalid("the end-of-block code is missing") }
        literalLengthTable = try HuffmanTable.build(
            lengths: lengths[0..<literalCount], templates: HuffmanTable.literalLengthTemplates,
            primaryBits: HuffmanTable.literalLengthPrimaryBits)
        distanceTable = try HuffmanTable.build(
            lengths: lengths[literalCount...], templates: HuffmanTable.distanceTemplates,
            primaryBits: HuffmanTable.distancePrimaryBits)
    }
}
