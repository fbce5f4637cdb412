/// A decimal number as sign, significant digits and a power of ten, compared and divided
/// exactly (no binary floating point). Rule: `digits` holds no leading or trailing zeros, so
/// zero is the empty list and equal values have equal representations.
struct ExactDecimal: Sendable, Hashable {
    private(set) var negative: Bool
    private(set) var digits: [UInt8]
    /// The value is `digits × 10^exponent`.
    private(set) var exponent: Int

    /// Exponents beyond ±10^15 are clamped: such literals are outside any meaningful range.
    private static let exponentLimit = 1_000_000_000_000_000

    /// Parses a JSON number literal; nil for anything else.
    init?(_ text: String) {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0
        var part = 0  // 0: integer, 1: fraction, 2: exponent
        var exponentNegative = false
        var exponentValue = 0
        var sawDigit = false
        var sawExponentDigit = false
        var sawFractionDigit = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where offset == 0:
                negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = byte - UInt8(ascii: "0")
                if part == 2 {
                    sawExponentDigit = true
                    exponentValue = min(exponentValue * 10 + Int(digit), Self.exponentLimit)
                } else {
                    sawDigit = true
                    if !(digits.isEmpty && digit == 0) { digits.append(digit) }
                    if part == 1 {
                        exponent -= 1
                        sawFractionDigit = true
                    }
                }
            case UInt8(ascii: ".") where part == 0 && sawDigit:
                part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard part < 2, sawDigit, part == 0 || sawFractionDigit else { return nil }
                part = 2
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard part == 2, !sawExponentDigit else { return nil }
                exponentNegative = byte == UInt8(ascii: "-")
            default:
                return nil
            }
        }
        guard sawDigit, part != 1 || sawFractionDigit, part < 2 || sawExponentDigit else { return nil }
        exponent += exponentNegative ? -exponentValue : exponentValue
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {
            negative = false
            exponent = 0
        }
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }

    var isZero: Bool { digits.isEmpty }
    var isIntegral: Bool { exponent >= 0 }

    /// A canonical spelling: equal values give equal text.
    var canonicalText: String {
        (negative ? "-" : "") + String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self) + "e" + String(exponent)
    }

    /// True when the literal has no fraction or exponent, so it is integral without parsing.
    static func isPlainInteger(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    static func isIntegral(_ text: String) -> Bool {
        isPlainInteger(text) || (ExactDecimal(text)?.isIntegral ?? false)
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`.
    static func compare(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        let lhsSign = lhs.isZero ? 0 : (lhs.negative ? -1 : 1)
        let rhsSign = rhs.isZero ? 0 : (rhs.negative ? -1 : 1)
        if lhsSign != rhsSign { return lhsSign < rhsSign ? -1 : 1 }
        if lhsSign == 0 { return 0 }
        return lhsSign * compareMagnitude(lhs, rhs)
    }

    private static func compareMagnitude(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        let lhsLead = lhs.digits.count + lhs.exponent
        let rhsLead = rhs.digits.count + rhs.exponent
        if lhsLead != rhsLead { return lhsLead < rhsLead ? -1 : 1 }
        for (l, r) in zip(lhs.digits, rhs.digits) where l != r {
            return l < r ? -1 : 1
        }
        if lhs.digits.count == rhs.digits.count { return 0 }
        return lhs.digits.count < rhs.digits.count ? -1 : 1
    }

    /// Whether `self ÷ divisor` is an integer, computed on the digits.
    func isMultiple(of divisor: ExactDecimal) -> Bool {
        if isZero { return true }
        if divisor.isZero { return false }
        let shift = exponent - divisor.exponent
        if shift >= 0 {
            // self = digits × 10^shift × 10^e(divisor): divisible when digits × 10^shift ≡ 0 (mod divisor digits)
            return DigitArithmetic.isDivisible(digits, trailingZeros: shift, by: divisor.digits)
        }
        // divisor = its digits × 10^-shift × 10^e(self); a modulus longer than the digits exceeds them.
        if digits.count < divisor.digits.count - shift { return false }
        let modulus = divisor.digits + [UInt8](repeating: 0, count: -shift)
        return DigitArithmetic.isDivisible(digits, trailingZeros: 0, by: modulus)
    }
}
