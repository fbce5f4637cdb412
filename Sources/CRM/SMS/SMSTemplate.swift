/// The URL (and body) template of the `http` transport: `{to}`, `{text}` and `{secret}` are
/// replaced by the number, the message and the stored secret, each percent-encoded (UTF-8, every
/// byte but the unreserved `A-Z a-z 0-9 - . _ ~`), so a value can never add a parameter or a
/// path of its own. `{{` and `}}` stand for braces; any other `{…}` is refused when the
/// settings are saved.
package enum SMSTemplate {
    package static let placeholders: Set<String> = ["to", "text", "secret"]

    /// `template` with its placeholders filled; nil when it names one that is not a placeholder
    /// or has an unclosed brace.
    package static func fill(_ template: String, _ values: [String: String]) -> String? {
        var result = ""
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            let next = template.index(after: index)
            if character == "{" {
                if next < template.endIndex, template[next] == "{" {
                    result.append("{")
                    index = template.index(after: next)
                    continue
                }
                guard let close = template[next...].firstIndex(of: "}") else { return nil }
                let name = String(template[next..<close])
                guard placeholders.contains(name) else { return nil }
                result += percentEncoded(values[name] ?? "")
                index = template.index(after: close)
            } else if character == "}" {
                guard next < template.endIndex, template[next] == "}" else { return nil }
                result.append("}")
                index = template.index(after: next)
            } else {
                result.append(character)
                index = next
            }
        }
        return result
    }

    /// The placeholders `template` names (nil when it is not a valid template).
    package static func names(_ template: String) -> Set<String>? {
        var found = Set<String>()
        for name in placeholders where fill(template, [name: "\u{1}"])?.contains("%01") == true { found.insert(name) }
        return fill(template, [:]) == nil ? nil : found
    }

    /// Every UTF-8 byte but the unreserved characters as `%XX` (RFC 3986).
    package static func percentEncoded(_ value: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    /// `application/x-www-form-urlencoded` pairs, each side percent-encoded.
    package static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }
}
