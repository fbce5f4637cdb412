/// A JSON value, exact: numbers keep the text they were written with, so an id such as
/// 9007199254740993 or an amount such as 0.10 travels through unchanged. Objects are
/// unordered; the writer sorts their keys.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

/// A JSON number as its literal text (validated against the JSON grammar).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written, e.g. `-12`, `3.50`, `1e3`.
    public let text: String

    /// Wraps text already known to follow the JSON number grammar.
    init(unchecked text: String) { self.text = text }

    /// A number from text; nil unless it follows the JSON number grammar.
    public init?(_ text: String) {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: 1)
        guard let value = try? parser.parseDocument(), case .number(let number) = value else { return nil }
        self = number
    }

    public init(_ value: Int) { text = String(value) }
    public init(_ value: Int64) { text = String(value) }

    public var description: String { text }

    /// The value as an integer when the literal is integral and fits (`5`, `5.0`, `5e2`).
    public var int64Value: Int64? {
        if let exact = Int64(text) { return exact }
        guard let parts = DecimalParts(text), parts.fractionIsZero else { return nil }
        return parts.integerValue
    }

    /// True when the value has no fractional part (`1`, `1.0`, `1e2`).
    public var isIntegral: Bool {
        if Int64(text) != nil { return true }
        return DecimalParts(text)?.fractionIsZero ?? false
    }

    /// The value as a Double: for comparisons in schema validation only, never for money.
    public var doubleValue: Double { Double(text) ?? .nan }

    /// Numbers compare by value: `1.0 == 1`.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        guard let l = DecimalParts(lhs.text), let r = DecimalParts(rhs.text) else { return false }
        return l.normalized == r.normalized
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(DecimalParts(text)?.normalized ?? text)
    }
}

/// Sign, digits and decimal exponent of a number literal, for exact comparisons.
struct DecimalParts {
    var negative: Bool
    var digits: [UInt8]      // no leading zeros; empty means zero
    var exponent: Int        // value = digits × 10^exponent

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var mantissa: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                mantissa.append(byte - 0x30)
                if seenPoint { exponent -= 1 }
            } else if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self).replacingPlus()) else { return nil }
                let (sum, overflow) = exponent.addingReportingOverflow(e)
                guard !overflow, abs(sum) < 1 << 40 else { return nil }
                exponent = sum
                break
            } else {
                return nil
            }
            index += 1
        }
        while let first = mantissa.first, first == 0 { mantissa.removeFirst() }
        while let last = mantissa.last, last == 0 { mantissa.removeLast(); exponent += 1 }
        if mantissa.isEmpty { negative = false; exponent = 0 }
        digits = mantissa
        self.exponent = exponent
    }

    var fractionIsZero: Bool { exponent >= 0 }

    var normalized: String {
        (negative ? "-" : "") + digits.map { String($0) }.joined() + "e" + String(exponent)
    }

    var integerValue: Int64? {
        guard exponent >= 0, exponent <= 19, digits.count + exponent <= 19 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = a
        }
        for _ in 0..<exponent {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        return negative ? -value : value
    }
}

private extension String {
    func replacingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : self }
}
