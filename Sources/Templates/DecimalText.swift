/// Decimal text ("-12345.6") written the Russian way: digits grouped by three with a
/// no-break space U+00A0 and a comma before the fraction.
///
/// U+00A0 rather than the typographically narrower U+202F: every font and every PDF or
/// office viewer has it, and it already keeps an amount on one line. The minus sign is
/// the ASCII hyphen-minus. Input must be `-?digits(.digits)?`; anything else (spaces,
/// commas, exponents, a leading `+`) is refused rather than guessed at.
enum DecimalText {
    /// All digits (as values 0…9) with the count of those before the point.
    private struct Parts {
        var negative: Bool
        var digits: [UInt8]
        var integerCount: Int
    }

    /// Money: exactly two decimals, rounded half away from zero ("0.005" → "0,01"),
    /// grouped: "12345.6" → "12 345,60", "-0.5" → "-0,50", "0" → "0,00".
    static func money(_ text: String) -> String? {
        guard var parts = parse(text) else { return nil }
        while parts.digits.count < parts.integerCount + 3 { parts.digits.append(0) }
        let roundUp = parts.digits[parts.integerCount + 2] >= 5
        parts.digits.removeLast(parts.digits.count - parts.integerCount - 2)
        if roundUp {
            var position = parts.digits.count - 1
            while position >= 0 && parts.digits[position] == 9 {
                parts.digits[position] = 0
                position -= 1
            }
            if position >= 0 {
                parts.digits[position] += 1
            } else {
                parts.digits.insert(1, at: 0)
                parts.integerCount += 1
            }
        }
        if parts.digits.allSatisfy({ $0 == 0 }) { parts.negative = false }
        return compose(parts)
    }

    /// A number with its fraction kept as given: "1234.500" → "1 234,500", "7" → "7".
    static func number(_ text: String) -> String? {
        parse(text).map(compose)
    }

    private static func compose(_ parts: Parts) -> String {
        var first = 0
        while first < parts.integerCount - 1 && parts.digits[first] == 0 { first += 1 }
        let integerCount = parts.integerCount - first
        var text: [UInt8] = []
        text.reserveCapacity(parts.digits.count * 2 + 2)
        if parts.negative { text.append(UInt8(ascii: "-")) }
        for offset in 0..<integerCount {
            if offset > 0 && (integerCount - offset) % 3 == 0 { text += [0xC2, 0xA0] } // U+00A0
            text.append(UInt8(ascii: "0") + parts.digits[first + offset])
        }
        if parts.digits.count > parts.integerCount {
            text.append(UInt8(ascii: ","))
            for digit in parts.digits[parts.integerCount...] { text.append(UInt8(ascii: "0") + digit) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The digits, or nil when the text is not `-?digits(.digits)?`.
    private static func parse(_ text: String) -> Parts? {
        var parts = Parts(negative: false, digits: [], integerCount: -1)
        parts.digits.reserveCapacity(text.utf8.count + 3)
        for (offset, byte) in text.utf8.enumerated() {
            if byte == UInt8(ascii: "-") && offset == 0 {
                parts.negative = true
            } else if byte == UInt8(ascii: ".") {
                guard parts.integerCount < 0, !parts.digits.isEmpty else { return nil }
                parts.integerCount = parts.digits.count
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                parts.digits.append(byte - UInt8(ascii: "0"))
            } else {
                return nil
            }
        }
        if parts.integerCount < 0 { parts.integerCount = parts.digits.count }
        guard parts.integerCount > 0, parts.integerCount < parts.digits.count || !text.utf8.contains(UInt8(ascii: ".")) else {
            return nil
        }
        return parts
    }
}
