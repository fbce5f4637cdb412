#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension XMLScanner {
    /// The value of the current element's attribute `name` (UTF-8 bytes), with entity and
    /// character references replaced and blanks normalized to spaces; `nil` when absent.
    func attribute(_ name: [UInt8]) throws(RegistryError) -> String? {
        for index in 0..<attributeCount where attributeSpans[index].nameLength == name.count {
            let span = attributeSpans[index]
            let equal = name.withUnsafeBytes { memcmp($0.baseAddress!, buffer + span.nameStart, name.count) == 0 }
            guard equal else { continue }
            let value = UnsafeBufferPointer(start: buffer + span.valueStart, count: span.valueLength)
            guard span.needsDecoding else { return String(decoding: value, as: UTF8.self) }
            return try Self.decode(value, element: self.name)
        }
        return nil
    }

    /// Applies XML attribute-value normalization: `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;` are
    /// replaced, tabs and line breaks become spaces; any other `&` is an error.
    static func decode(_ value: UnsafeBufferPointer<UInt8>, element: String) throws(RegistryError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var index = 0
        while index < value.count {
            let byte = value[index]
            switch byte {
            case 0x09, 0x0A, 0x0D:
                output.append(0x20)
                index += 1
            case UInt8(ascii: "&"):
                guard let semicolon = value[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    throw .badFile(reason: "unterminated '&' reference in an attribute of <\(element)>")
                }
                let reference = String(decoding: value[(index + 1)..<semicolon], as: UTF8.self)
                guard let scalar = Self.resolve(reference) else {
                    throw .badFile(reason: "unknown reference &\(reference); in an attribute of <\(element)>")
                }
                output.append(contentsOf: String(Character(scalar)).utf8)
                index = semicolon + 1
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func resolve(_ reference: String) -> Unicode.Scalar? {
        switch reference {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            var digits = Substring(reference)
            guard digits.first == "#" else { return nil }
            digits = digits.dropFirst()
            var radix = 10
            if digits.first == "x" || digits.first == "X" {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, let code = UInt32(digits, radix: radix), code != 0 else { return nil }
            return Unicode.Scalar(code)
        }
    }
}
