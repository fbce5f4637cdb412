/// Builds the lookup tables that decode canonical Huffman codes (RFC 1951 §3.2.2) a table read
/// at a time instead of a bit at a time.
///
/// A table is indexed by the next `primaryBits` bits of the stream (least significant bit
/// first, so by the bit-reversed code). Codes longer than `primaryBits` go through a link entry
/// to a subtable indexed by the following bits. Every entry is one `UInt32`:
/// bits 0–3 the whole code length, bits 4–7 the kind, bits 8–12 the extra bits (or a link's
/// subtable bits), bits 16–31 the value (a literal, a base length or distance, or a subtable
/// offset). Unused code space holds `invalid` entries, so an incomplete code is tolerated until
/// the data actually uses a missing code; an over-subscribed code is an error.
enum HuffmanTable {
    static let literal: UInt32 = 0x00
    static let base: UInt32 = 0x10
    static let endOfBlock: UInt32 = 0x20
    static let link: UInt32 = 0x30
    static let invalid: UInt32 = 0x40
    static let kindMask: UInt32 = 0xF0

    static let maxCodeLength = 15

    /// An entry without its code length.
    static func template(kind: UInt32, extraBits: Int = 0, value: Int = 0) -> UInt32 {
        kind | UInt32(extraBits) << 8 | UInt32(value) << 16
    }

    /// Builds the table for symbols `0..<lengths.count` with the given code lengths (0 = unused),
    /// `templates[symbol]` giving each symbol's entry.
    static func build(
        lengths: ArraySlice<UInt8>, templates: [UInt32], primaryBits: Int
    ) throws(InflateError) -> [UInt32] {
        var counts = [Int](repeating: 0, count: maxCodeLength + 1)
        for length in lengths {
            guard Int(length) <= maxCodeLength else { throw .invalid("code length above 15") }
            counts[Int(length)] += 1
        }
        counts[0] = 0
        var left = 1
        for length in 1...maxCodeLength {
            left = (left << 1) - counts[length]
            guard left >= 0 else { throw .invalid("over-subscribed Huffman code") }
        }
        var nextCode = [Int](repeating: 0, count: maxCodeLength + 2)
        var code = 0
        for length in 1...maxCodeLength {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        // Bit-reversed code of every used symbol, in symbol order.
        var reversed = [Int](repeating: 0, count: lengths.count)
        let primarySize = 1 << primaryBits
        let primaryMask = primarySize - 1
        var subtableBits = [Int](repeating: 0, count: primarySize)
        for (offset, rawLength) in lengths.enumerated() where rawLength > 0 {
            let length = Int(rawLength)
            let code = nextCode[length]
            nextCode[length] += 1
            var value = 0
            for bit in 0..<length where code & (1 << bit) != 0 {
                value |= 1 << (length - 1 - bit)
            }
            reversed[offset] = value
            if length > primaryBits {
                let prefix = value & primaryMask
                subtableBits[prefix] = max(subtableBits[prefix], length - primaryBits)
            }
        }
        var table = [UInt32](repeating: invalid, count: primarySize)
        var subtableOffset = [Int](repeating: 0, count: primarySize)
        for prefix in 0..<primarySize where subtableBits[prefix] > 0 {
            subtableOffset[prefix] = table.count
            table[prefix] = template(kind: link, extraBits: subtableBits[prefix], value: table.count)
            table.append(contentsOf: repeatElement(invalid, count: 1 << subtableBits[prefix]))
        }
        for (offset, rawLength) in lengths.enumerated() where rawLength > 0 {
            let length = Int(rawLength)
            let entry = templates[offset] | UInt32(length)
            let code = reversed[offset]
            if length <= primaryBits {
                for index in stride(from: code, to: primarySize, by: 1 << length) {
                    table[index] = entry
                }
            } else {
                let prefix = code & primaryMask
                let start = subtableOffset[prefix]
                let high = code >> primaryBits
                for index in stride(from: high, to: 1 << subtableBits[prefix], by: 1 << (length - primaryBits)) {
                    table[start + index] = entry
                }
            }
        }
        return table
    }

    // MARK: The alphabets of RFC 1951 §3.2.5

    static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                              35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                8193, 12289, 16385, 24577]

    /// Literal/length symbols 0–287 (286 and 287 never occur in valid data).
    static let literalLengthTemplates: [UInt32] = (0..<288).map { symbol in
        switch symbol {
        case 0..<256: template(kind: literal, value: symbol)
        case 256: template(kind: endOfBlock)
        case 257...285: template(kind: base, extraBits: lengthExtraBits[symbol - 257], value: lengthBases[symbol - 257])
        default: invalid
        }
    }

    /// Distance symbols 0–31 (30 and 31 never occur in valid data).
    static let distanceTemplates: [UInt32] = (0..<32).map { symbol in
        guard symbol < 30 else { return invalid }
        let extraBits = symbol < 4 ? 0 : symbol / 2 - 1
        return template(kind: base, extraBits: extraBits, value: distanceBases[symbol])
    }

    /// Code-length symbols 0–18 decode to themselves.
    static let codeLengthTemplates: [UInt32] = (0..<19).map { template(kind: literal, value: $0) }

    static let literalLengthPrimaryBits = 10
    static let distancePrimaryBits = 8

    /// The fixed codes of block type 1 (RFC 1951 §3.2.6).
    static let fixedLiteralLength: [UInt32] = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // The fixed code is complete, so building it cannot fail.
        return (try? build(lengths: lengths[...], templates: literalLengthTemplates, primaryBits: literalLengthPrimaryBits)) ?? []
    }()

    static let fixedDistance: [UInt32] = {
        let lengths = [UInt8](repeating: 5, count: 32)
        return (try? build(lengths: lengths[...], templates: distanceTemplates, primaryBits: distancePrimaryBits)) ?? []
    }()
}
