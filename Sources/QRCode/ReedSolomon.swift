/// Reed–Solomon error correction codewords over GF(256) as QR codes use them: the field is
/// built on the polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) with α = 2, and the generator of
/// degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
public enum ReedSolomon {
    /// αⁱ for i in 0..<255, and once more so that sums of two logarithms need no modulo.
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// The logarithm to base α of every non-zero element (the entry for 0 is unused).
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponents[i])] = i }
        return table
    }()

    /// The product of two field elements.
    public static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The coefficients of the generator polynomial of a degree, highest power first
    /// (the leading 1 included, so the array has `degree + 1` entries).
    public static func generator(degree: Int) -> [UInt8] {
        precondition(degree >= 1 && degree <= 254, "degree out of range")
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            // Multiply by (x + αⁱ); in GF(2ᵐ) subtraction is addition.
            let root = exponents[i]
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= multiply(coefficient, root)
            }
            poly = next
        }
        return poly
    }

    /// The `degree` error correction codewords of a block: the remainder of the data
    /// polynomial times x^degree divided by the generator.
    public static func errorCorrection(for data: [UInt8], degree: Int) -> [UInt8] {
        let divisor = generator(degree: degree)
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            if factor == 0 { continue }
            for j in 0..<degree {
                remainder[j] ^= multiply(divisor[j + 1], factor)
            }
        }
        return remainder
    }
}
