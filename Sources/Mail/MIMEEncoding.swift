import Foundation

/// The content and header encodings of RFC 2045, 2047 and 2231, on bytes.
///
/// The rule it keeps: every output is 7-bit ASCII with lines no longer than RFC 2045 allows
/// (76 characters for base64 and quoted-printable), and encoded words never split a character.
enum MIMEEncoding {
    static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Base64 of `bytes` in one line (used for SMTP AUTH).
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Base64 body: 76-character lines, each ending with CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / 38 + 2)
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            output += encoded[start..<end]
            output += crlf
            start = end
        }
        return output
    }

    /// Text with any line-break convention (CRLF, LF, CR) as lines of UTF-8 bytes.
    static func lines(of text: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var previousCR = false
        for byte in text.utf8 {
            if byte == 0x0A {
                if !previousCR { result.append(current) }
                current = []
                previousCR = false
            } else if byte == 0x0D {
                result.append(current)
                current = []
                previousCR = true
            } else {
                current.append(byte)
                previousCR = false
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Text as canonical CRLF-terminated lines (a final line break is added when missing).
    static func canonicalText(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines(of: text) { output += line; output += crlf }
        return output
    }

    /// Quoted-printable body (RFC 2045 §6.7): lines ≤ 76 characters with soft breaks,
    /// trailing white space encoded, every line ending with CRLF.
    static func quotedPrintable(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines(of: text) {
            var physical: [UInt8] = []
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                var piece: [UInt8]
                if (byte >= 33 && byte <= 126 && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !isLast) {
                    piece = [byte]
                } else {
                    piece = [0x3D] + hexByte(byte)
                }
                // Keep room for the "=" of a soft line break (76 incl. "=").
                if physical.count + piece.count > (isLast ? 76 : 75) {
                    output += physical + [0x3D] + crlf
                    physical = []
                }
                physical += piece
            }
            output += physical + crlf
        }
        return output
    }

    static func hexByte(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }

    /// Whether a text part is mostly non-ASCII, where base64 is shorter than quoted-printable.
    static func prefersBase64(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty else { return false }
        let high = bytes.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        return high * 3 > bytes.count
    }

    /// RFC 2047 B-encoded words (UTF-8), each ≤ 64 characters so that it fits a folded line
    /// after any short header name. Characters are never split across words, and a word
    /// preferably ends just after a space (which stays inside the encoded text: RFC 2047 §6.2
    /// tells decoders to drop the white space *between* encoded words).
    static func encodedWords(_ text: String) -> [String] {
        let maxBytes = 39   // base64 of 39 bytes = 52 chars; "=?utf-8?B?" + 52 + "?=" = 64
        var chunks: [[UInt8]] = []
        var chunk: [UInt8] = []
        var lastSpaceEnd: Int?   // chunk length just after its last space
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > maxBytes {
                let cut = lastSpaceEnd ?? chunk.count
                chunks.append(Array(chunk[..<cut]))
                chunk = Array(chunk[cut...])
                lastSpaceEnd = nil
            }
            chunk += bytes
            if character == " " { lastSpaceEnd = chunk.count }
        }
        if !chunk.isEmpty || chunks.isEmpty { chunks.append(chunk) }
        return chunks.map { "=?utf-8?B?" + base64($0) + "?=" }
    }

    /// Header text with line breaks and other control characters replaced by spaces.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Unstructured header text (Subject): plain words when printable ASCII, else encoded words.
    static func unstructuredTokens(_ text: String) -> [String] {
        let clean = singleLine(text)
        let words = clean.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if isPrintableASCII(clean) && !clean.contains("=?") && words.allSatisfy({ $0.count <= 70 }) {
            return words
        }
        return encodedWords(clean)
    }

    /// A display name as RFC 5322 phrase tokens: atoms, a quoted string, or encoded words.
    static func phraseTokens(_ name: String) -> [String] {
        let clean = singleLine(name).trimmingCharacters(in: .whitespaces)
        guard isPrintableASCII(clean), !clean.contains("=?") else { return encodedWords(clean) }
        let words = clean.split(separator: " ").map(String.init)
        if words.allSatisfy({ $0.utf8.allSatisfy(MailAddress.isAtext) && $0.count <= 70 }) { return words }
        var quoted = "\""
        for character in clean {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted.count <= 70 ? [quoted] : encodedWords(clean)
    }

    /// A MIME parameter (`name="value"`, or RFC 2231 `name*0*=utf-8''%..` sections when the
    /// value is not short printable ASCII). The sections never split a character.
    static func parameterTokens(_ name: String, _ value: String) -> [String] {
        let clean = singleLine(value)
        let plainSafe = clean.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
        if plainSafe && clean.count + name.count <= 66 {
            return ["\(name)=\"\(clean)\""]
        }
        var sections: [String] = []
        var current = "utf-8''"
        for character in clean {
            var piece = ""
            for byte in String(character).utf8 {
                if isAttributeChar(byte) { piece.append(Character(Unicode.Scalar(byte))) } else {
                    piece += "%" + String(decoding: hexByte(byte), as: UTF8.self)
                }
            }
            if current.count + piece.count > 56 && !current.isEmpty && current != "utf-8''" {
                sections.append(current)
                current = ""
            }
            current += piece
        }
        sections.append(current)
        return sections.enumerated().map { "\(name)*\($0.offset)*=\($0.element)" }
    }

    /// RFC 2231 attribute-char: ASCII printable except space, `*'%` and the RFC 2045 tspecials.
    private static func isAttributeChar(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        return !Array("*'%()<>@,;:\\\"/[]?=".utf8).contains(byte)
    }
}
