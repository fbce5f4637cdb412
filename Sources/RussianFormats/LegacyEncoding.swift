/// The single-byte Cyrillic code pages still used by 1C exchange files: Windows-1251
/// (`Кодировка=Windows`, the default of CommerceML) and CP866, the DOS code page
/// (`Кодировка=DOS`).
///
/// Bytes 0x00–0x7F are ASCII in both. Decoding never fails: every byte maps to one
/// character, and the one byte Windows-1251 leaves undefined (0x98) becomes U+FFFD.
/// Encoding works on Unicode scalars; a character with no byte in the code page makes
/// ``encode(_:)`` return nil, or is replaced by a chosen byte in
/// ``encode(_:replacingWith:)``. Text in decomposed form (й written as и + U+0306) is
/// composed first, so it encodes like the precomposed letter.
public enum LegacyEncoding: Sendable, Hashable, CaseIterable {
    /// Windows-1251, the Cyrillic ANSI code page.
    case windows1251
    /// CP866, the Cyrillic DOS code page (box-drawing characters in 0xB0–0xDF).
    case cp866

    /// The text the bytes stand for; every byte gives exactly one character.
    public func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer(decode)
    }

    /// The text a part of a byte array stands for.
    public func decode(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer(decode)
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let table = upperHalf
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte < 0x80 {
                utf8.append(byte)
            } else {
                UTF8.encode(Unicode.Scalar(UInt32(table[Int(byte) - 0x80])) ?? "\u{FFFD}") { utf8.append($0) }
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes of the text in this code page, or nil if some character has no byte here.
    public func encode(_ text: String) -> [UInt8]? {
        var unmappable = false
        let bytes = encode(text) { _ in unmappable = true; return nil }
        return unmappable ? nil : bytes
    }

    /// The bytes of the text in this code page, with `byte` standing for each Unicode
    /// scalar that has no byte here (e.g. `UInt8(ascii: "?")`).
    public func encode(_ text: String, replacingWith byte: UInt8) -> [UInt8] {
        encode(text) { _ in byte }
    }

    // MARK: Encoding

    /// Appends the text's bytes in this code page to `bytes` and returns true; when some
    /// character has no byte here, leaves `bytes` as it was and returns false. For writers that
    /// encode many small texts into one buffer without an array per text.
    public func encode(_ text: String, appendingTo bytes: inout [UInt8]) -> Bool {
        let start = bytes.count
        var unmappable = false
        append(text, to: &bytes) { _ in unmappable = true; return nil }
        if unmappable { bytes.removeSubrange(start...) }
        return !unmappable
    }

    /// Encodes scalar by scalar; `fallback` decides for an unmappable scalar (nil drops it).
    private func encode(_ text: String, fallback: (Unicode.Scalar) -> UInt8?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        append(text, to: &bytes, fallback: fallback)
        return bytes
    }

    private func append(_ text: String, to bytes: inout [UInt8], fallback: (Unicode.Scalar) -> UInt8?) {
        let map = reverse
        bytes.reserveCapacity(bytes.count + text.utf8.count)
        // Text that is ASCII only (numbers, dates, codes) is copied as it is.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            bytes += text.utf8
            return
        }
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            if scalar.value < 0x80 {
                bytes.append(UInt8(scalar.value))
                continue
            }
            // A base letter followed by a combining mark that composes with it.
            if let mark = pending, (0x0300...0x036F).contains(mark.value), let composed = Self.composed(scalar, mark), map[Int(composed)] != 0 {
                bytes.append(map[Int(composed)])
                pending = scalars.next()
                continue
            }
            if scalar.value <= 0xFFFF, map[Int(scalar.value)] != 0 {
                bytes.append(map[Int(scalar.value)])
            } else if let replacement = fallback(scalar) {
                bytes.append(replacement)
            }
        }
    }

    /// Canonical compositions of the Cyrillic letters both code pages carry: the breve
    /// (Й й Ў ў), the diaeresis (Ё ё Ї ї) and the acute (Ѓ ѓ Ќ ќ).
    private static func composed(_ base: Unicode.Scalar, _ mark: Unicode.Scalar) -> UInt16? {
        switch (base.value, mark.value) {
        case (0x0418, 0x0306): return 0x0419   // И + breve → Й
        case (0x0438, 0x0306): return 0x0439   // и → й
        case (0x0423, 0x0306): return 0x040E   // У → Ў
        case (0x0443, 0x0306): return 0x045E   // у → ў
        case (0x0415, 0x0308): return 0x0401   // Е + diaeresis → Ё
        case (0x0435, 0x0308): return 0x0451   // е → ё
        case (0x0406, 0x0308): return 0x0407   // І → Ї
        case (0x0456, 0x0308): return 0x0457   // і → ї
        case (0x0413, 0x0301): return 0x0403   // Г + acute → Ѓ
        case (0x0433, 0x0301): return 0x0453   // г → ѓ
        case (0x041A, 0x0301): return 0x040C   // К → Ќ
        case (0x043A, 0x0301): return 0x045C   // к → ќ
        default: return nil
        }
    }

    // MARK: Tables

    /// The characters of bytes 0x80–0xFF.
    private var upperHalf: [UInt16] {
        switch self {
        case .windows1251: return Self.windows1251Table
        case .cp866: return Self.cp866Table
        }
    }

    /// From a character (BMP code point) to its byte in 0x80–0xFF; 0 where it has none. A flat
    /// table of 64 Ki bytes: one load per character, no hashing.
    private var reverse: [UInt8] {
        switch self {
        case .windows1251: return Self.windows1251Reverse
        case .cp866: return Self.cp866Reverse
        }
    }

    private static let windows1251Reverse = reverseTable(windows1251Table)
    private static let cp866Reverse = reverseTable(cp866Table)

    private static func reverseTable(_ table: [UInt16]) -> [UInt8] {
        var map = [UInt8](repeating: 0, count: 0x10000)
        for (offset, character) in table.enumerated() where character != 0xFFFD {
            map[Int(character)] = UInt8(0x80 + offset)
        }
        return map
    }

    /// Windows-1251 0x80–0xFF: other Cyrillic letters and typography in 0x80–0xBF
    /// (0x98 undefined), then А–Я and а–я in alphabetical order (Ёё sit at 0xA8/0xB8).
    private static let windows1251Table: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, // 0x80 Ђ Ѓ ‚ ѓ „ … † ‡
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F, // 0x88 € ‰ Љ ‹ Њ Ќ Ћ Џ
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 0x90 ђ ‘ ’ “ ” • – —
        0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, // 0x98 (none) ™ љ › њ ќ ћ џ
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, // 0xA0 nbsp Ў ў Ј ¤ Ґ ¦ §
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, // 0xA8 Ё © Є « ¬ shy ® Ї
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, // 0xB0 ° ± І і ґ µ ¶ ·
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457, // 0xB8 ё № є » ј Ѕ ѕ ї
    ] + (0x0410...0x044F).map { UInt16($0) }                           // 0xC0 А … 0xFF я

    /// CP866 0x80–0xFF: А–Я and а–п, box drawing in 0xB0–0xDF, р–я, then Ёё, Єє, Її, Ўў
    /// and a few symbols.
    private static let cp866Table: [UInt16] = (0x0410...0x043F).map { UInt16($0) } + [ // 0x80 А … 0xAF п
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, // 0xB0 ░ ▒ ▓ │ ┤ ╡ ╢ ╖
        0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, // 0xB8 ╕ ╣ ║ ╗ ╝ ╜ ╛ ┐
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, // 0xC0 └ ┴ ┬ ├ ─ ┼ ╞ ╟
        0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, // 0xC8 ╚ ╔ ╩ ╦ ╠ ═ ╬ ╧
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, // 0xD0 ╨ ╤ ╥ ╙ ╘ ╒ ╓ ╫
        0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, // 0xD8 ╪ ┘ ┌ █ ▄ ▌ ▐ ▀
    ] + (0x0440...0x044F).map { UInt16($0) } + [                        // 0xE0 р … 0xEF я
        0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E, // 0xF0 Ё ё Є є Ї ї Ў ў
        0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0, // 0xF8 ° ∙ · √ № ¤ ■ nbsp
    ]
}
