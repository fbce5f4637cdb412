/// The character encodings the registry's XML files come in, found from a byte order mark or
/// the `<?xml … encoding="…"?>` declaration (UTF-8 when neither says otherwise).
///
/// Both are ASCII-compatible, so the declaration can be read before the encoding is known.
/// Any other declared encoding is refused with `unsupportedFormat`.
enum XMLEncoding: Equatable {
    case utf8
    case windows1251

    /// The encoding and the length of the byte order mark to skip, from the file's first bytes.
    static func detect(_ prefix: UnsafeRawBufferPointer) throws(RegistryError) -> (XMLEncoding, Int) {
        let bytes = Array(prefix.prefix(1024))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw .unsupportedFormat("UTF-16 text (only UTF-8 and windows-1251 are read)")
        }
        guard bytes.starts(with: Array("<?xml".utf8)),
            let close = bytes.firstIndex(of: UInt8(ascii: ">"))
        else { return (.utf8, 0) }
        guard let name = Self.attribute(Array("encoding".utf8), in: bytes[..<close]) else { return (.utf8, 0) }
        switch name.lowercased() {
        case "utf-8", "utf8", "us-ascii", "ascii":
            return (.utf8, 0)
        case "windows-1251", "cp1251", "cp-1251", "win-1251", "x-cp1251", "1251":
            return (.windows1251, 0)
        default:
            throw .unsupportedFormat("XML encoding \(name) (only UTF-8 and windows-1251 are read)")
        }
    }

    /// The value of `name="…"` or `name='…'` in an XML declaration.
    private static func attribute(_ name: [UInt8], in declaration: ArraySlice<UInt8>) -> String? {
        var index = declaration.startIndex
        while index + name.count <= declaration.endIndex {
            if declaration[index..<(index + name.count)].elementsEqual(name) {
                var cursor = index + name.count
                while cursor < declaration.endIndex, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "=")].contains(declaration[cursor]) {
                    cursor += 1
                }
                guard cursor < declaration.endIndex else { return nil }
                let quote = declaration[cursor]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
                let value = declaration[(cursor + 1)...].prefix { $0 != quote }
                return String(decoding: value, as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}
