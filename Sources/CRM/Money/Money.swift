/// An amount of money: integer minor units (kopecks) and a currency. Never floating point;
/// parsed from and written as decimal strings with exactly two decimals (`"12345.60"`).
///
/// Every amount crmd takes or computes — a price, an amount discount, a row's sum, VAT, a
/// document total, a payment, a money field, a list filter on one — lies within ±`maximum`.
/// A value or result past it is refused as too large (1007 `tooLarge`), never cut nor
/// wrapped: products are taken in `Int128` and sums with overflow checks.
package struct Money: Sendable, Equatable, Hashable {
    package var minor: Int64
    package var currency: String

    package init(minor: Int64, currency: String = "RUB") {
        self.minor = minor
        self.currency = currency
    }

    /// The largest amount: 9 999 999 999 999.99 (10¹⁵ − 1 kopecks). It is 1C's amount type
    /// Число(15, 2), so whatever crmd prints the accountant's program can hold; it is below
    /// 2⁵³, so an amount in kopecks is exact even as a double in a client or a spreadsheet;
    /// and a sum of two amounts, or an amount times 122 (VAT on top), is far from `Int64`'s end.
    package static let maximum: Int64 = 999_999_999_999_999

    /// `maximum` as the API writes it, for messages and documentation.
    package static let maximumText = "9999999999999.99"

    /// `"1200.5"` → 120050; nil for more than two decimals, signs where not allowed, or past
    /// `maximum`. For amounts read back from storage, which were checked when written.
    package static func parse(_ text: String, currency: String = "RUB", allowNegative: Bool = false) -> Money? {
        guard let value = try? DecimalScaled.parse(text, scale: 2, maximum: maximum), allowNegative || value >= 0 else { return nil }
        return Money(minor: value, currency: currency)
    }

    /// An amount given in a call, in kopecks: 1007 on `field` with reason `format` (not a
    /// decimal with at most two decimals, or negative where that is not allowed) or `tooLarge`.
    package static func amount(_ text: String, field: String, allowNegative: Bool = false) throws(CRMError) -> Int64 {
        let value: Int64
        do throws(DecimalScaled.Refusal) {
            value = try DecimalScaled.parse(text, scale: 2, maximum: maximum)
        } catch .tooLarge {
            throw CRMError.amountTooLarge(field: field)
        } catch {
            throw CRMError.invalidValue(field: field, reason: "format", message: "\(field) is an amount with at most two decimals")
        }
        guard allowNegative || value >= 0 else {
            throw CRMError.invalidValue(field: field, reason: "format", message: "\(field) is a non-negative amount")
        }
        return value
    }

    /// `a + b`, refused when the sum passes `maximum` (or would not fit `Int64` at all).
    package static func sum(_ a: Int64, _ b: Int64, _ what: String) throws(AmountTooLarge) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, sum.magnitude <= maximum.magnitude else { throw AmountTooLarge(what: what) }
        return sum
    }

    /// A wide intermediate result as an amount, refused when it passes `maximum`.
    package static func fitting(_ value: Int128, _ what: String) throws(AmountTooLarge) -> Int64 {
        guard value.magnitude <= UInt128(maximum.magnitude) else { throw AmountTooLarge(what: what) }
        return Int64(value)
    }

    /// `"12345.60"`.
    package var decimalText: String { DecimalScaled.format(minor, scale: 2) }
}

/// A computed amount that would pass `Money.maximum`; `what` names it (`sum`, `total`…)
/// for the message, and the caller names the field of the call it came from.
package struct AmountTooLarge: Error, Equatable, CustomStringConvertible {
    package let what: String

    package var description: String { "the \(what) would be more than \(Money.maximumText)" }
}

extension CRMError {
    /// 1007 `tooLarge`: an amount, given or computed from `field`, past `Money.maximum`.
    package static func amountTooLarge(field: String, _ problem: AmountTooLarge? = nil) -> CRMError {
        .invalidValue(field: field, reason: "tooLarge",
                      message: "\(field): \(problem?.description ?? "more than \(Money.maximumText)"); that is the largest amount")
    }
}

/// Exact decimals held as integers scaled by 10^scale, with half-up rounding where a result
/// must be cut back to the scale.
package enum DecimalScaled {
    /// Why a decimal text was refused.
    package enum Refusal: Error, Equatable {
        /// Not `-?digits(.digits)?`, or more decimals than the scale.
        case format
        /// Well formed, but its magnitude passes the maximum asked for.
        case tooLarge
    }

    /// `"-12.5"` at scale 2 → -1250; `.format` when the text has more decimals than `scale`
    /// or is not a decimal, `.tooLarge` when its magnitude (scaled) passes `maximum`. Any number
    /// of digits is read without overflow; `maximum` has at most 18 digits.
    package static func parse(_ text: String, scale: Int, maximum: Int64) throws(Refusal) -> Int64 {
        // One pass over the bytes: every amount read from a row or a call comes through here.
        var bytes = text.utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var value: Int64 = 0
        var significant = 0, integerDigits = 0, fractionDigits = 0
        var seenDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenDot, integerDigits > 0 else { throw .format }
                seenDot = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .format }
            if seenDot { fractionDigits += 1 } else { integerDigits += 1 }
            let digit = Int64(byte - UInt8(ascii: "0"))
            guard significant > 0 || digit != 0 else { continue }
            significant += 1
            if significant <= 18 { value = value * 10 + digit }
        }
        // `-?digits(.digits)?`, at most `scale` decimals; well formed before too large.
        guard integerDigits > 0, !seenDot || fractionDigits > 0, fractionDigits <= scale else { throw .format }
        let padding = scale - fractionDigits
        guard significant == 0 || significant + padding <= 18 else { throw .tooLarge }
        for _ in 0..<padding { value *= 10 }
        guard value <= maximum else { throw .tooLarge }
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
    package static func divideRounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        let roundsAway = remainder.magnitude * 2 >= denominator.magnitude
        return roundsAway ? quotient + (numerator < 0 ? -1 : 1) : quotient
    }
}
