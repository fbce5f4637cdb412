/// Normalized keys for phones and e-mails, used to find the same person however the number
/// or address was typed (REFERENCE-ru.md, "Phone numbers").
package enum ContactKeys {
    /// `8 (916) 123-45-67`, `+7 916 123 45 67`, `89161234567` and `9161234567` all give
    /// `+79161234567`. An extension (доб., ext, x, #) is cut off. Anything that is not a
    /// Russian/Kazakh +7 number keeps its digits (with `+` if typed) and matches only itself.
    package static func phone(_ raw: String) -> String {
        // Most numbers are ASCII: read as bytes, the same rules without grapheme breaking.
        if let key = asciiPhone(raw) { return key }
        return phoneByCharacters(raw)
    }

    /// `phone` read character by character; for any text.
    static func phoneByCharacters(_ raw: String) -> String {
        let lowered = raw.lowercased()
        var main = Substring(lowered)
        for marker in ["доб", "ext", "x", "#"] {
            if let range = main.firstRange(of: marker) { main = main[..<range.lowerBound] }
        }
        let digits = main.filter(\.isASCIIDigit)
        let typedPlus = main.trimmingLeadingSpaces().hasPrefix("+")
        return key(digits: Array(digits.utf8), typedPlus: typedPlus)
    }

    /// `phone` of an ASCII text, byte by byte; nil when the text is not ASCII. The number ends
    /// at the first extension marker (`ext`, `x`, `#`, any case).
    static func asciiPhone(_ raw: String) -> String? {
        var digits: [UInt8] = []
        var leading = true, typedPlus = false
        var text = raw
        let isASCII = text.withUTF8 { bytes -> Bool in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte < 0x80 else { return false }
                let lower = byte | 0x20
                if lower == UInt8(ascii: "x") || byte == UInt8(ascii: "#")
                    || (lower == UInt8(ascii: "e") && index + 2 < bytes.count && bytes[index + 1] | 0x20 == UInt8(ascii: "x")
                        && bytes[index + 2] | 0x20 == UInt8(ascii: "t")) {
                    // The rest is the extension, but must still be ASCII for this path.
                    return bytes[index...].allSatisfy { $0 < 0x80 }
                }
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { digits.append(byte) }
                if leading && !(byte == 0x20 || (0x09...0x0D).contains(byte)) {
                    leading = false
                    typedPlus = byte == UInt8(ascii: "+")
                }
                index += 1
            }
            return true
        }
        return isASCII ? key(digits: digits, typedPlus: typedPlus) : nil
    }

    /// The key of a number's digits: ten digits of a +7 number (after a trunk 8 or 7, or 810)
    /// are `+7…`; anything else keeps its digits, with `+` if typed.
    private static func key(digits: [UInt8], typedPlus: Bool) -> String {
        var digits = digits[...]
        if digits.count == 14 && digits.starts(with: Array("810".utf8)) { digits = digits.dropFirst(3) }
        if digits.count == 11 && (digits.first == UInt8(ascii: "7") || digits.first == UInt8(ascii: "8")) { digits = digits.dropFirst() }
        if digits.count == 10 { return "+7" + String(decoding: digits, as: UTF8.self) }
        return (typedPlus ? "+" : "") + String(decoding: digits, as: UTF8.self)
    }

    /// Trimmed and lowercased.
    package static func email(_ raw: String) -> String {
        raw.trimmingSpaces().lowercased()
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> SubSequence { drop { $0.isWhitespace } }

    func trimmingSpaces() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
