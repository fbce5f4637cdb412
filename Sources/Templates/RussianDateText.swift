/// Dates written the Russian way, from ISO 8601 text ("2026-03-05", or the date part of
/// "2026-03-05T10:30:00Z"): long "5 марта 2026 г." or numeric "05.03.2026".
enum RussianDateText {
    /// The two styles the `date` filter accepts.
    enum Style: String, Sendable {
        case long
        case numeric
    }

    private static let months = [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ]

    /// The formatted date, or nil when `text` does not start with a valid YYYY-MM-DD.
    static func format(_ text: String, style: Style) -> String? {
        let bytes = Array(text.utf8.prefix(11))
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        if bytes.count == 11, bytes[10] != UInt8(ascii: "T"), bytes[10] != UInt8(ascii: " ") { return nil }
        guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        func digits(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        switch style {
        case .long: return "\(day) \(months[month - 1]) \(digits(0..<4)) г."
        case .numeric: return "\(digits(8..<10)).\(digits(5..<7)).\(digits(0..<4))"
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
