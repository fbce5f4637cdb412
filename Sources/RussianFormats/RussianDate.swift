/// Calendar dates as printed on Russian documents: long «5 марта 2026 г.» (day without a
/// leading zero, month name in the genitive case, «г.» for год, "year") and numeric
/// «05.03.2026» (dd.mm.yyyy, also the date format of 1C exchange files).
///
/// The functions take plain year, month and day numbers of the Gregorian calendar and do
/// no time-zone arithmetic.
public enum RussianDate {
    /// Month names in the genitive case («5 марта»), January first.
    public static let genitiveMonthNames = [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ]

    /// The long form, e.g. `long(year: 2026, month: 3, day: 5)` is «5 марта 2026 г.».
    /// `month` must be 1...12 (it traps otherwise; see ``isValid(year:month:day:)``).
    public static func long(year: Int, month: Int, day: Int) -> String {
        precondition((1...12).contains(month), "month \(month) is not 1...12")
        return "\(day) \(genitiveMonthNames[month - 1]) \(year) г."
    }

    /// The numeric form dd.mm.yyyy, e.g. `numeric(year: 2026, month: 3, day: 5)` is «05.03.2026».
    public static func numeric(year: Int, month: Int, day: Int) -> String {
        "\(padded(day, to: 2)).\(padded(month, to: 2)).\(padded(year, to: 4))"
    }

    /// Reads a numeric date «dd.mm.yyyy» (exactly two, two and four digits); nil unless it
    /// names a real day.
    public static func parseNumeric(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[2] == UInt8(ascii: "."), bytes[5] == UInt8(ascii: ".") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let day = number(0..<2), let month = number(3..<5), let year = number(6..<10),
              isValid(year: year, month: month, day: day) else { return nil }
        return (year, month, day)
    }

    /// Whether the numbers name a real day (1 ≤ year ≤ 9999, Gregorian leap years).
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month) else { return false }
        return (1...daysIn(year: year, month: month)).contains(day)
    }

    /// The number of days in the month (month 1...12).
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }
}
