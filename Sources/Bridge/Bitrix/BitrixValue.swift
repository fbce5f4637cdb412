import JSONKit

/// Conversions between Bitrix24's values — every scalar a string (`"ID": "12"`, `"OPENED": "Y"`,
/// instants as `2026-12-06T08:00:00+03:00`) — and crmd's typed ones. Money and quantities stay
/// decimal text throughout; nothing passes through a floating-point number.
enum BitrixValue {
    /// A scalar as text: strings as they are, numbers as written, booleans as `Y`/`N`.
    static func text(_ value: JSON) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number.text
        case .bool(let flag): flag ? "Y" : "N"
        default: nil
        }
    }

    /// An id given as `5` or `"5"`; nil for anything else (zero, negative, not a whole number).
    static func id(_ value: JSON) -> Int64? {
        guard let text = text(value), let id = Int64(text.trimmingSpaces), id > 0 else { return nil }
        return id
    }

    /// `Y`/`N` (also `1`/`0`, `true`/`false`) as a boolean.
    static func flag(_ value: JSON) -> Bool? {
        switch text(value)?.uppercased() {
        case "Y", "1", "TRUE": true
        case "N", "0", "FALSE", "": false
        default: nil
        }
    }

    /// A decimal given as a number or a string (`1500`, `"1500.5"`), as crmd's decimal text.
    static func decimal(_ value: JSON) -> String? {
        guard let text = text(value)?.trimmingSpaces, !text.isEmpty else { return nil }
        var digits = 0
        var point = false
        for (index, character) in text.enumerated() {
            switch character {
            case "-" where index == 0: continue
            case "0"..."9": digits += 1
            case "." where !point && digits > 0: point = true
            default: return nil
            }
        }
        guard digits > 0, text.last != "." else { return nil }
        return text
    }

    /// crmd's money text (`"100.5"`) with the two decimals Bitrix24 shows (`"100.50"`).
    static func money(_ text: String) -> String {
        guard let point = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: point, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }

    /// crmd's UTC instant (`2026-12-06T05:13:22Z`) as Bitrix24 writes one: with an offset.
    static func bitrixInstant(_ crmd: String) -> String {
        guard crmd.hasSuffix("Z") else { return crmd }
        var text = String(crmd.dropLast())
        if let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
        return text + "+00:00"
    }

    /// crmd's date (`1990-01-01`) as Bitrix24 writes one: midnight with an offset.
    static func bitrixDate(_ crmd: String) -> String { crmd + "T00:00:00+00:00" }

    /// An instant Bitrix24-style (`2026-12-06T08:00:00+03:00`, `...Z`, or a bare date) as
    /// crmd's UTC text; nil if it is neither.
    static func crmdInstant(_ value: JSON) -> String? {
        guard let text = text(value)?.trimmingSpaces else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        if bytes.count == 10 { return text + "T00:00:00Z" }
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 60 else { return nil }
        var rest = bytes[19...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            while let digit = rest.first, digit >= 0x30, digit <= 0x39 { rest = rest.dropFirst() }
        }
        var offset = 0
        switch String(decoding: rest, as: UTF8.self) {
        case "", "Z", "z": offset = 0
        case let zone where zone.count == 6 && (zone.hasPrefix("+") || zone.hasPrefix("-")):
            let parts = zone.dropFirst().split(separator: ":")
            guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), hours < 24, minutes < 60 else { return nil }
            offset = (hours * 60 + minutes) * 60 * (zone.hasPrefix("-") ? -1 : 1)
        default: return nil
        }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return format(seconds)
    }

    /// Days from 1970-01-01 to a civil date (proleptic Gregorian).
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func format(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(time / 3600)):\(two(time % 3600 / 60)):\(two(time % 60))Z"
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
