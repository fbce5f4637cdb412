/// Exact decimal numbers written as text (`"-12.50"`): validation, canonical forms, and a
/// text key whose byte order is the numeric order, so SQLite can compare and sort decimals
/// exactly without ever turning them into floating point.
package enum DecimalText {
    /// `"012.50"` → `"12.50"`; nil unless `-?digits(.digits)?` with at most `maxFraction` decimals.
    package static func canonical(_ text: String, maxFraction: Int = 10) -> String? {
        guard let (negative, integer, fraction) = split(text), fraction.count <= maxFraction else { return nil }
        let isZero = integer.allSatisfy { $0 == "0" } && fraction.allSatisfy { $0 == "0" }
        let trimmed = String(integer.drop { $0 == "0" })
        return (negative && !isZero ? "-" : "") + (trimmed.isEmpty ? "0" : trimmed) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// An amount with exactly two decimals: `"12"` → `"12.00"`; nil with more than two.
    package static func money(_ text: String) -> String? {
        guard let value = canonical(text, maxFraction: 2) else { return nil }
        guard let dot = value.firstIndex(of: ".") else { return value + ".00" }
        let decimals = value.distance(from: dot, to: value.endIndex) - 1
        return decimals == 1 ? value + "0" : value
    }

    /// A key that sorts like the number: sign, 20 integer digits, 12 fraction digits; a negative
    /// number's digits are complemented so that larger magnitudes sort first.
    package static func sortKey(_ text: String) -> String? {
        guard let (negative, integer, fraction) = split(text) else { return nil }
        let intDigits = String(integer.drop { $0 == "0" })
        guard intDigits.count <= 20, fraction.count <= 12 else { return nil }
        let digits = String(repeating: "0", count: 20 - intDigits.count) + intDigits
            + fraction + String(repeating: "0", count: 12 - fraction.count)
        let isZero = digits.allSatisfy { $0 == "0" }
        if !negative || isZero { return "1" + digits }
        return "0" + String(digits.map { Character(String(9 - Int(String($0))!)) })
    }

    private static func split(_ text: String) -> (Bool, Substring, Substring)? {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let integer = parts.first, !integer.isEmpty,
              integer.allSatisfy(\.isASCIIDigit) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        return (negative, integer, fraction)
    }
}
