/// The `format` values checked as assertions; any other format name is an annotation only.
enum StringFormat: String, Sendable {
    case date
    case dateTime = "date-time"
    case time
    case email
    case uri
    case uuid

    var name: String { rawValue }

    func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .date: return Self.isDate(bytes[...])
        case .time: return Self.isTime(bytes[...])
        case .dateTime:
            guard bytes.count > 11, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return false }
            return Self.isDate(bytes[..<10]) && Self.isTime(bytes[11...])
        case .email: return Self.isEmail(bytes)
        case .uri: return Self.isURI(bytes)
        case .uuid: return Self.isUUID(bytes)
        }
    }

    private static func number(_ bytes: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
        let first = bytes.startIndex + start
        guard first + count <= bytes.endIndex else { return nil }
        var value = 0
        for byte in bytes[first..<(first + count)] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func byte(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt8? {
        let index = bytes.startIndex + offset
        return index < bytes.endIndex ? bytes[index] : nil
    }

    /// RFC 3339 full-date: YYYY-MM-DD naming a real calendar day.
    private static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count == 10, byte(bytes, 4) == UInt8(ascii: "-"), byte(bytes, 7) == UInt8(ascii: "-"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
              (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// RFC 3339 full-time: HH:MM:SS[.fraction] then `Z` or ±HH:MM; second 60 only at 23:59 UTC.
    private static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard byte(bytes, 2) == UInt8(ascii: ":"), byte(bytes, 5) == UInt8(ascii: ":"),
              let hour = number(bytes, 0, 2), let minute = number(bytes, 3, 2), let second = number(bytes, 6, 2),
              hour <= 23, minute <= 59, second <= 60
        else { return false }
        var offset = 8
        if byte(bytes, offset) == UInt8(ascii: ".") {
            offset += 1
            let digitsStart = offset
            while let b = byte(bytes, offset), b >= 0x30 && b <= 0x39 { offset += 1 }
            guard offset > digitsStart else { return false }
        }
        var utcMinutes = hour * 60 + minute
        switch byte(bytes, offset) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard bytes.count == offset + 1 else { return false }
        case let sign? where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard bytes.count == offset + 6, byte(bytes, offset + 3) == UInt8(ascii: ":"),
                  let offsetHour = number(bytes, offset + 1, 2), let offsetMinute = number(bytes, offset + 4, 2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return false }
            let shift = offsetHour * 60 + offsetMinute
            utcMinutes += sign == UInt8(ascii: "+") ? -shift : shift
        default:
            return false
        }
        if second == 60 {
            return ((utcMinutes % 1440) + 1440) % 1440 == 23 * 60 + 59
        }
        return true
    }

    /// A deliberately simple check: one `@`, both sides non-empty, no whitespace or control characters.
    private static func isEmail(_ bytes: [UInt8]) -> Bool {
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
              bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// An absolute URI: a scheme, then printable ASCII without spaces or characters RFC 3986 forbids.
    private static func isURI(_ bytes: [UInt8]) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, isLetter(bytes[0]) else { return false }
        for byte in bytes[1..<colon] {
            guard isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return false }
        }
        let forbidden: [UInt8] = Array("\"<>\\^`{|} ".utf8)
        return !bytes.contains { $0 < 0x21 || $0 > 0x7E || forbidden.contains($0) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// 8-4-4-4-12 hexadecimal digits.
    private static func isUUID(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
                guard isHex else { return false }
            }
        }
        return true
    }
}
