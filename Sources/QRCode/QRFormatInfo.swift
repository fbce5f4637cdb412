/// The BCH coded format information (level and mask) and version information.
enum QRFormatInfo {
    /// The remainder of `value` times x^degree divided by `generator` (polynomials over GF(2)).
    static func bchRemainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var remainder = value << degree
        for shift in stride(from: bitLength(remainder) - 1, through: degree, by: -1)
        where (remainder >> shift) & 1 == 1 {
            remainder ^= generator << (shift - degree)
        }
        return remainder
    }

    private static func bitLength(_ value: Int) -> Int {
        Int.bitWidth - value.leadingZeroBitCount
    }

    /// The 15 format bits: 2 bits of level, 3 of mask, 10 of BCH(15, 5) code with the
    /// generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, XORed with 101010000010010.
    static func formatBits(correction: QRErrorCorrection, mask: Int) -> Int {
        let data = correction.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18 version bits: 6 bits of version, 12 of BCH(18, 6) code with the generator
    /// x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1.
    static func versionBits(version: Int) -> Int {
        version << 12 | bchRemainder(version, generator: 0x1F25, degree: 12)
    }
}
