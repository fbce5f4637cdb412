/// Recognizes JSON text that is already in the form `JSON.write` gives, so that it can be
/// copied into a document instead of being parsed and written again: no whitespace, object
/// keys in strictly increasing order, strings escaped exactly as the writer escapes them,
/// valid UTF-8. For such text, `JSON.parse(bytes).serialized() == bytes`.
///
/// It answers conservatively: text it cannot vouch for cheaply (a key with an escape or a
/// non-ASCII character, nesting deeper than `maxDepth`) is "not canonical", and the caller
/// takes the slow path, which gives the same bytes or the same error.
public enum CanonicalJSON {
    /// What a canonical text holds at its top level.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    public static let maxDepth = 64

    /// The kind of the value `bytes` hold when they are exactly what `JSON.write` writes for
    /// it; nil otherwise (not JSON, or JSON in another form).
    public static func kind(of bytes: UnsafeBufferPointer<UInt8>) -> Kind? {
        var scanner = Scanner(bytes: bytes)
        guard let kind = scanner.value(depth: 0), scanner.index == bytes.count else { return nil }
        return kind
    }

    public static func kind(of bytes: [UInt8]) -> Kind? {
        bytes.withUnsafeBufferPointer { kind(of: $0) }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func value(depth: Int) -> Kind? {
            guard let byte = current else { return nil }
            switch byte {
            case UInt8(ascii: "{"): return depth < CanonicalJSON.maxDepth && object(depth: depth + 1) ? .object : nil
            case UInt8(ascii: "["): return depth < CanonicalJSON.maxDepth && array(depth: depth + 1) ? .array : nil
            case UInt8(ascii: "\""): return string() ? .string : nil
            case UInt8(ascii: "t"): return literal("true") ? .bool : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number() ? .number : nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        private mutating func object(depth: Int) -> Bool {
            index += 1
            if current == UInt8(ascii: "}") {
                index += 1
                return true
            }
            var previous: UnsafeBufferPointer<UInt8>?
            while true {
                guard let key = plainKey() else { return false }
                if let previous, !previous.lexicographicallyPrecedes(key) { return false }
                previous = key
                guard current == UInt8(ascii: ":") else { return false }
                index += 1
                guard value(depth: depth) != nil else { return false }
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return true
                default: return false
                }
            }
        }

        /// A key of printable ASCII without escapes, whose byte order is the writer's order.
        private mutating func plainKey() -> UnsafeBufferPointer<UInt8>? {
            guard current == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                let byte = bytes[end]
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }

        private mutating func array(depth: Int) -> Bool {
            index += 1
            if current == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard value(depth: depth) != nil else { return false }
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return true
                default: return false
                }
            }
        }

        /// A string as `JSON.writeString` writes one: valid UTF-8, `"` `\` as `\"` `\\`, line
        /// feed, carriage return and tab as `\n` `\r` `\t`, other control characters as
        /// `\u00xx` (lowercase), nothing else escaped.
        private mutating func string() -> Bool {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return true
                case UInt8(ascii: "\\"):
                    guard escape() else { return false }
                case 0..<0x20:
                    return false
                case 0x20..<0x80:
                    index += 1
                default:
                    guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { return false }
                    index += length
                }
            }
            return false
        }

        private mutating func escape() -> Bool {
            guard index + 1 < bytes.count else { return false }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
                return true
            case UInt8(ascii: "u"):
                guard index + 6 <= bytes.count, bytes[index + 2] == 0x30, bytes[index + 3] == 0x30,
                      let high = Self.hexValue(bytes[index + 4]), high <= 1, let low = Self.hexValue(bytes[index + 5]) else { return false }
                let code = high << 4 | low
                guard code != 0x0A, code != 0x0D, code != 0x09 else { return false }
                index += 6
                return true
            default:
                return false
            }
        }

        /// Lowercase hexadecimal digits only, as the writer writes them.
        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }

        /// The JSON number grammar; the writer keeps a number's text as it was read.
        private mutating func number() -> Bool {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, Self.isDigit(first) else { return false }
            index += 1
            if first != 0x30 { skipDigits() }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let digit = current, Self.isDigit(digit) else { return false }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let digit = current, Self.isDigit(digit) else { return false }
                skipDigits()
            }
            return true
        }

        private mutating func skipDigits() {
            while let byte = current, Self.isDigit(byte) { index += 1 }
        }

        private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    }
}

/// UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing past U+10FFFF): the
/// sequences Swift's `String(validating:)` accepts.
public enum UTF8Validation {
    /// Whether every byte belongs to a well-formed sequence.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: index) else { return false }
            index += length
        }
        return true
    }

    /// The length of the well-formed multi-byte sequence starting at `index`, or nil.
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}
