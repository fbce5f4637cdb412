/// HTML escaping of printed values: `&`, `<`, `>`, `"` and `'` become entities, which
/// makes a value safe both in element text and in quoted attribute values.
enum HTMLEscaping {
    /// Appends `text` escaped: runs without special characters are copied as slices,
    /// so escaping allocates nothing beyond the output's own growth.
    static func append(_ text: String, to output: inout String) {
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let entity: String
            switch utf8[index] {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default:
                utf8.formIndex(after: &index)
                continue
            }
            // ASCII bytes always sit on character boundaries, so these slices are valid.
            output += text[runStart..<index]
            output += entity
            utf8.formIndex(after: &index)
            runStart = index
        }
        if runStart == utf8.startIndex {
            output += text
        } else {
            output += text[runStart...]
        }
    }
}
