/// The fixed Huffman code of RFC 1951 §3.2.6, with codes bit-reversed for LSB-first output.
///
/// Rule: literal/length symbols 0–143 use 8 bits, 144–255 9 bits, 256–279 7 bits,
/// 280–287 8 bits; distance symbols use 5 bits; extra bits follow each code as-is.
struct FixedHuffman: Sendable {
    static let shared = FixedHuffman()

    private let literalCodes: [UInt32]
    private let literalLengths: [UInt8]
    private let distanceCodes: [UInt32]

    private init() {
        var codes = [UInt32](repeating: 0, count: 288)
        var lengths = [UInt8](repeating: 0, count: 288)
        for symbol in 0..<288 {
            let (code, length): (UInt32, Int)
            switch symbol {
            case 0...143: (code, length) = (UInt32(0x30 + symbol), 8)
            case 144...255: (code, length) = (UInt32(0x190 + symbol - 144), 9)
            case 256...279: (code, length) = (UInt32(symbol - 256), 7)
            default: (code, length) = (UInt32(0xC0 + symbol - 280), 8)
            }
            codes[symbol] = FixedHuffman.reverse(code, bits: length)
            lengths[symbol] = UInt8(length)
        }
        literalCodes = codes
        literalLengths = lengths
        distanceCodes = (0..<30).map { FixedHuffman.reverse(UInt32($0), bits: 5) }
    }

    private static func reverse(_ code: UInt32, bits: Int) -> UInt32 {
        var result: UInt32 = 0
        for i in 0..<bits where code & (1 << UInt32(i)) != 0 { result |= 1 << UInt32(bits - 1 - i) }
        return result
    }

    @inline(__always)
    func writeLiteral(_ symbol: Int, to writer: inout BitWriter) {
        writer.write(literalCodes[symbol], bits: Int(literalLengths[symbol]))
    }

    /// Writes a match length 3...258 as its length symbol plus extra bits.
    @inline(__always)
    func writeLength(_ length: Int, to writer: inout BitWriter) {
        if length == 258 { writeLiteral(285, to: &writer); return }
        let x = length - 3
        if x < 8 { writeLiteral(257 + x, to: &writer); return }
        let top = Int.bitWidth - 1 - x.leadingZeroBitCount  // index of the highest set bit, >= 3
        let extraBits = top - 2
        writeLiteral(257 + 4 * (top - 1) + ((x >> extraBits) & 3), to: &writer)
        writer.write(UInt32(x & ((1 << extraBits) - 1)), bits: extraBits)
    }

    /// Writes a match distance 1...32768 as its distance symbol plus extra bits.
    @inline(__always)
    func writeDistance(_ distance: Int, to writer: inout BitWriter) {
        let x = distance - 1
        if x < 4 { writer.write(distanceCodes[x], bits: 5); return }
        let top = Int.bitWidth - 1 - x.leadingZeroBitCount  // >= 2
        let extraBits = top - 1
        writer.write(distanceCodes[2 * top + ((x >> extraBits) & 1)], bits: 5)
        writer.write(UInt32(x & ((1 << extraBits) - 1)), bits: extraBits)
    }
}
