#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension XMLScanner {
    enum Markup {
        /// The buffer ends before the markup does.
        case incomplete
        /// A comment, processing instruction, CDATA section or DOCTYPE, ending before the index.
        case skipped(Int)
        case start(Int, selfClosing: Bool)
        case end(Int)
    }

    /// Byte classes inside tags: 1 blank, 2 `>`, 3 `/`, 4 `=`, 5 quote, 6 `<`, 7 `&`.
    /// Allocated once and never freed or written after, so sharing it is safe.
    nonisolated(unsafe) private static let classTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            switch UInt8(byte) {
            case 0x20, 0x09, 0x0A, 0x0D: table[byte] = 1
            case UInt8(ascii: ">"): table[byte] = 2
            case UInt8(ascii: "/"): table[byte] = 3
            case UInt8(ascii: "="): table[byte] = 4
            case UInt8(ascii: "\""), UInt8(ascii: "'"): table[byte] = 5
            case UInt8(ascii: "<"): table[byte] = 6
            case UInt8(ascii: "&"): table[byte] = 7
            default: table[byte] = 0
            }
        }
        return UnsafePointer(table)
    }()

    /// Scans the markup that starts with the `<` at `start`.
    func scanMarkup() throws(RegistryError) -> Markup {
        let classes = Self.classTable
        let buffer = self.buffer
        let end = self.end
        var index = start + 1
        guard index < end else { return .incomplete }
        switch buffer[index] {
        case UInt8(ascii: "/"):
            index += 1
            let nameStart = index
            while index < end, classes[Int(buffer[index])] == 0 { index += 1 }
            guard index < end else { return .incomplete }
            self.nameStart = nameStart
            nameLength = index - nameStart
            while index < end, classes[Int(buffer[index])] == 1 { index += 1 }
            guard index < end else { return .incomplete }
            guard buffer[index] == UInt8(ascii: ">"), nameLength > 0 else {
                throw .badFile(reason: "malformed end tag")
            }
            return .end(index + 1)
        case UInt8(ascii: "?"):
            return skip(until: Array("?>".utf8), from: index + 1)
        case UInt8(ascii: "!"):
            return try scanDeclaration(from: index + 1)
        default:
            return try scanStartTag(from: index)
        }
    }

    private func scanStartTag(from first: Int) throws(RegistryError) -> Markup {
        let classes = Self.classTable
        let buffer = self.buffer
        let end = self.end
        var index = first
        let lead = buffer[index]
        guard classes[Int(lead)] == 0, lead >= 0x80 || lead == UInt8(ascii: "_") || lead == UInt8(ascii: ":")
            || (lead | 0x20 >= UInt8(ascii: "a") && lead | 0x20 <= UInt8(ascii: "z"))
        else {
            throw .badFile(reason: "not well-formed: '<' is not followed by an element name")
        }
        while index < end, classes[Int(buffer[index])] == 0 { index += 1 }
        guard index < end else { return .incomplete }
        nameStart = first
        nameLength = index - first
        var spans = attributeSpans
        var count = 0
        defer { attributeCount = count }
        while true {
            let separated = classes[Int(buffer[index])] == 1
            while index < end, classes[Int(buffer[index])] == 1 { index += 1 }
            guard index < end else { return .incomplete }
            switch classes[Int(buffer[index])] {
            case 2:
                return .start(index + 1, selfClosing: false)
            case 3:
                guard index + 1 < end else { return .incomplete }
                guard buffer[index + 1] == UInt8(ascii: ">") else { throw .badFile(reason: "malformed tag <\(name)>") }
                return .start(index + 2, selfClosing: true)
            case 0:
                guard separated else { throw .badFile(reason: "attributes of <\(name)> are not separated by blanks") }
            default:
                throw .badFile(reason: "malformed attribute in <\(name)>")
            }
            let attributeNameStart = index
            while index < end, classes[Int(buffer[index])] == 0 { index += 1 }
            let attributeNameLength = index - attributeNameStart
            while index < end, classes[Int(buffer[index])] == 1 { index += 1 }
            guard index < end else { return .incomplete }
            guard buffer[index] == UInt8(ascii: "=") else { throw .badFile(reason: "attribute without a value in <\(name)>") }
            index += 1
            while index < end, classes[Int(buffer[index])] == 1 { index += 1 }
            guard index < end else { return .incomplete }
            let quote = buffer[index]
            guard classes[Int(quote)] == 5 else { throw .badFile(reason: "unquoted attribute value in <\(name)>") }
            index += 1
            let valueStart = index
            var needsDecoding = false
            while index < end {
                let byte = buffer[index]
                if byte == quote { break }
                switch classes[Int(byte)] {
                case 6: throw .badFile(reason: "'<' inside an attribute value of <\(name)>")
                case 7: needsDecoding = true
                case 1: if byte != 0x20 { needsDecoding = true }
                default: break
                }
                index += 1
            }
            guard index < end else { return .incomplete }
            if count == attributeCapacity {
                spans = growAttributeSpans(count)
            }
            (spans + count).initialize(to: AttributeSpan(
                nameStart: attributeNameStart, nameLength: attributeNameLength,
                valueStart: valueStart, valueLength: index - valueStart, needsDecoding: needsDecoding))
            count += 1
            index += 1
            guard index < end else { return .incomplete }
        }
    }

    /// Doubles the room for attribute spans, keeping the first `count`.
    private func growAttributeSpans(_ count: Int) -> UnsafeMutablePointer<AttributeSpan> {
        let larger = UnsafeMutablePointer<AttributeSpan>.allocate(capacity: attributeCapacity * 2)
        larger.moveInitialize(from: attributeSpans, count: count)
        attributeSpans.deallocate()
        attributeSpans = larger
        attributeCapacity *= 2
        return larger
    }

    /// `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE …>` (with an internal subset in brackets).
    private func scanDeclaration(from index: Int) throws(RegistryError) -> Markup {
        if hasPrefix("--", at: index) { return skip(until: Array("-->".utf8), from: index + 2) }
        if hasPrefix("[CDATA[", at: index) {
            guard depth > 0 else { throw .badFile(reason: "CDATA outside the root element") }
            return skip(until: Array("]]>".utf8), from: index + 7)
        }
        if hasPrefix("DOCTYPE", at: index) {
            var cursor = index + 7
            var brackets = 0
            var quote: UInt8? = nil
            while cursor < end {
                let byte = buffer[cursor]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "[") {
                    brackets += 1
                } else if byte == UInt8(ascii: "]") {
                    brackets -= 1
                } else if byte == UInt8(ascii: ">") && brackets <= 0 {
                    return .skipped(cursor + 1)
                }
                cursor += 1
            }
            return .incomplete
        }
        // Too few bytes to tell which declaration this is.
        if end - index < 7 { return .incomplete }
        throw .badFile(reason: "not well-formed: unknown markup '<!'")
    }

    private func hasPrefix(_ text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= end else { return false }
        return memcmp(text.utf8Start, buffer + index, count) == 0
    }

    private func skip(until terminator: [UInt8], from index: Int) -> Markup {
        var cursor = index
        while let found = findByte(terminator[0], from: cursor) {
            guard found + terminator.count <= end else { return .incomplete }
            if terminator.indices.allSatisfy({ buffer[found + $0] == terminator[$0] }) {
                return .skipped(found + terminator.count)
            }
            cursor = found + 1
        }
        return .incomplete
    }
}
