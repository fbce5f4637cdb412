/// An amount of money: integer minor units (kopecks) and a currency. Never floating point;
/// parsed from and written as decimal strings with exactly two decimals (`"12345.60"`).
package struct Money: Sendable, Equatable, Hashable {
    package var minor: Int64
    package var currency: String

    package init(minor: Int64, currency: String = "RUB") {
        self.minor = minor
        self.currency = currency
    }

    /// Largest magnitude accepted: 10¹⁵ − 1 kopecks, far beyond any invoice, far from overflow.
    static let limit: Int64 = 999_999_999_999_999

    /// `"1200.5"` → 120050; nil for more than two decimals, signs where not allowed, or too large.
    package static func parse(_ text: String, currency: String = "RUB", allowNegative: Bool = false) -> Money? {
        guard let value = DecimalScaled.parse(text, scale: 2), abs(value) <= limit, allowNegative || value >= 0 else { return nil }
        return Money(minor: value, currency: currency)
    }

    /// `"12345.60"`.
    package var decimalText: String { DecimalScaled.format(minor, scale: 2) }
}

/// Exact decimals held as integers scaled by 10^scale, with half-up rounding where a result
/// must be cut back to the scale.
package enum DecimalScaled {
    /// `"-12.5"` at scale 2 → -1250; nil when the text has more decimals than `scale` or is not a decimal.
    package static func parse(_ text: String, scale: Int) -> Int64? {
        guard let canonical = DecimalText.canonical(text, maxFraction: scale) else { return nil }
        let negative = canonical.hasPrefix("-")
        let digits = negative ? canonical.dropFirst() : Substring(canonical)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard parts[0].count <= 15, let whole = Int64(parts[0]),
              let frac = Int64(fraction + String(repeating: "0", count: scale - fraction.count)) else { return nil }
        var power: Int64 = 1
        for _ in 0..<scale { power *= 10 }
        let value = whole * power + frac
        return negative ? -value : value
    }

    package static func format(_ value: Int64, scale: Int, trimZeros: Bool = false) -> String {
        var power: Int64 = 1
        for _ in 0..<scale { power *= 10 }
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(power)
        var fraction = String(magnitude % UInt64(power))
        fraction = String(repeating: "0", count: scale - fraction.count) + fraction
        if trimZeros { while fraction.hasSuffix("0") { fraction.removeLast() } }
        return (value < 0 ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `numerator / denominator` rounded half away from zero.
    package static func divideRounded(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        let roundsAway = remainder.magnitude * 2 >= denominator.magnitude
        let adjusted = roundsAway ? quotient + (numerator < 0 ? -1 : 1) : quotient
        return Int64(clamping: adjusted)
    }
}
