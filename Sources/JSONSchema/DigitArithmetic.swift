/// Remainders of big non-negative integers written as decimal digit lists (most significant first).
enum DigitArithmetic {
    /// Whether `digits × 10^trailingZeros` is divisible by `modulus` (which must not be zero).
    static func isDivisible(_ digits: [UInt8], trailingZeros: Int, by modulus: [UInt8]) -> Bool {
        if let small = smallValue(modulus) {
            var remainder: UInt64 = 0
            for digit in digits {
                remainder = multiplyAdd(remainder, 10, UInt64(digit), modulo: small)
            }
            if remainder == 0 { return true }
            let power = powerOfTen(trailingZeros, modulo: small)
            return multiplyAdd(remainder, power, 0, modulo: small) == 0
        }
        if modulus.count > digits.count + max(0, trailingZeros) { return false }
        var remainder: [UInt8] = []
        for digit in digits {
            remainder = reduced(remainder, appending: digit, modulus: modulus)
        }
        // r·10^k ≡ 0 (mod m) needs k at most log2(m) < 4 × digit count of m.
        let zeros = min(trailingZeros, 4 * modulus.count + 4)
        for _ in 0..<zeros where !remainder.isEmpty {
            remainder = reduced(remainder, appending: 0, modulus: modulus)
        }
        return remainder.isEmpty
    }

    private static func smallValue(_ digits: [UInt8]) -> UInt64? {
        guard digits.count <= 19 else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1) }
    }

    /// (a × b + c) mod m without overflow, for a, c < m.
    private static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, modulo m: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        let (low, carry) = product.low.addingReportingOverflow(c)
        let high = product.high + (carry ? 1 : 0)
        return m.dividingFullWidth((high: high % m, low: low)).remainder
    }

    private static func powerOfTen(_ exponent: Int, modulo m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var base: UInt64 = 10 % m
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = multiplyAdd(result, base, 0, modulo: m) }
            base = multiplyAdd(base, base, 0, modulo: m)
            e >>= 1
        }
        return result
    }

    /// (remainder × 10 + digit) mod modulus, with remainder < modulus; empty means zero.
    private static func reduced(_ remainder: [UInt8], appending digit: UInt8, modulus: [UInt8]) -> [UInt8] {
        var value = remainder
        if !(value.isEmpty && digit == 0) { value.append(digit) }
        while compare(value, modulus) >= 0 {
            value = subtract(value, modulus)
        }
        return value
    }

    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    /// a − b for a ≥ b, without leading zeros.
    private static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = a
        var borrow: Int = 0
        let offset = a.count - b.count
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            let subtrahend = index >= offset ? Int(b[index - offset]) : 0
            var digit = Int(result[index]) - subtrahend - borrow
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 10 }
            result[index] = UInt8(digit)
        }
        let firstNonZero = result.firstIndex { $0 != 0 } ?? result.count
        return Array(result[firstNonZero...])
    }
}
