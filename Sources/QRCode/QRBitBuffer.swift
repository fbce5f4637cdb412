/// A growing sequence of bits, most significant first, packed into bytes at the end.
struct QRBitBuffer: Sendable {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    /// Appends the lowest `length` bits of `value`, the highest of them first.
    mutating func append(_ value: Int, length: Int) {
        for shift in stride(from: length - 1, through: 0, by: -1) {
            bits.append((value >> shift) & 1 == 1)
        }
    }

    /// The bits as bytes; the count must be a multiple of eight.
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0, "bit count is not a whole number of bytes")
        var result = [UInt8](repeating: 0, count: bits.count / 8)
        for (index, bit) in bits.enumerated() where bit {
            result[index / 8] |= 0x80 >> UInt8(index % 8)
        }
        return result
    }
}
