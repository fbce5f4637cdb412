import Foundation

/// Exact decimal arithmetic on decimal text, for the few sums the facade converts (a discount
/// per unit ↔ per row). Foundation's `Decimal` read from text is exact to 38 digits, far past
/// crmd's largest amount times its largest quantity; results round half-up, as crmd rounds.
enum BitrixDecimal {
    private static let posix = Locale(identifier: "en_US_POSIX")

    static func product(_ left: String, _ right: String, scale: Int) -> String? {
        guard let a = Decimal(string: left, locale: posix), let b = Decimal(string: right, locale: posix) else { return nil }
        return text(a * b, scale: scale)
    }

    static func quotient(_ left: String, _ right: String, scale: Int) -> String? {
        guard let a = Decimal(string: left, locale: posix), let b = Decimal(string: right, locale: posix), !b.isZero else { return nil }
        return text(a / b, scale: scale)
    }

    private static func text(_ value: Decimal, scale: Int) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, scale, .plain)
        var text = NSDecimalNumber(decimal: rounded).description(withLocale: posix)
        if scale > 0 {
            if !text.contains(".") { text += "." }
            let decimals = text.count - (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? 0) - 1
            text += String(repeating: "0", count: max(0, scale - decimals))
        }
        return text
    }
}
