import JSONKit

/// The order of the keys of one member object of a JSON document, which `JSON` (a dictionary)
/// does not keep: a batch's `cmd` commands run in the order they are written, since later
/// ones may use earlier results. Reads only well-formed JSON (the body was parsed first).
enum BitrixKeyOrder {
    /// The keys, in order, of the object that is the value of top-level member `name`
    /// (compared case-insensitively); empty when there is none.
    static func keys(of name: String, in bytes: [UInt8]) -> [String] {
        var scanner = Scanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: "{")) else { return [] }
        while true {
            scanner.skipSpace()
            guard let key = scanner.string() else { return [] }
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: ":")) else { return [] }
            scanner.skipSpace()
            if key.lowercased() == name, scanner.peek == UInt8(ascii: "{") {
                return scanner.objectKeys()
            }
            guard scanner.skipValue() else { return [] }
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: ",")) else { return [] }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// A string literal, decoded by the JSON parser so escapes read as they do there.
        mutating func string() -> String? {
            let start = index
            guard take(UInt8(ascii: "\"")) else { return nil }
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { break }
            }
            return (try? JSON.parse(bytes[start..<min(index, bytes.count)]))?.stringValue
        }

        mutating func objectKeys() -> [String] {
            guard take(UInt8(ascii: "{")) else { return [] }
            var keys: [String] = []
            skipSpace()
            if take(UInt8(ascii: "}")) { return keys }
            while true {
                skipSpace()
                guard let key = string() else { return keys }
                keys.append(key)
                skipSpace()
                guard take(UInt8(ascii: ":")), skipValueAfterSpace() else { return keys }
                skipSpace()
                guard take(UInt8(ascii: ",")) else { return keys }
            }
        }

        private mutating func skipValueAfterSpace() -> Bool {
            skipSpace()
            return skipValue()
        }

        /// Steps over one value: a string, or anything up to the bracket that closes it.
        mutating func skipValue() -> Bool {
            guard let first = peek else { return false }
            if first == UInt8(ascii: "\"") { return string() != nil }
            var depth = 0
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                    if depth == 0 { index += 1; return true }
                case UInt8(ascii: ","):
                    if depth == 0 { return true }
                default: break
                }
                index += 1
            }
            return depth == 0
        }
    }
}
