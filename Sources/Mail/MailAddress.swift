/// An e-mail address with an optional display name, such as `Иван Петров <ivan@example.ru>`.
///
/// The rule it keeps: `isValid` accepts only a plain ASCII `local@domain` address (dot-atom local
/// part, host-name labels) without whitespace or control characters, so a valid address can be
/// placed in a header or an SMTP command without escaping and cannot inject a line. The display
/// name may be any Unicode text; rendering encodes it (RFC 2047) and drops line breaks.
public struct MailAddress: Sendable, Equatable {
    /// The bare address, `local@domain`.
    public var address: String
    /// The display name, if any, unencoded.
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Parses `addr@host`, `<addr@host>`, `Name <addr@host>` or `"Name, Jr." <addr@host>`.
    /// Returns nil when the address part is not valid or the text contains a line break.
    public static func parse(_ text: String) -> MailAddress? {
        guard !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let open = trimmed.lastIndex(of: "<") else {
            let candidate = MailAddress(trimmed)
            return candidate.isValid ? candidate : nil
        }
        guard trimmed.hasSuffix(">") else { return nil }
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var display = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
            display = unquote(String(display.dropFirst().dropLast()))
        }
        let candidate = MailAddress(inner.trimmingCharacters(in: .whitespaces), name: display.isEmpty ? nil : display)
        return candidate.isValid ? candidate : nil
    }

    /// True for `local@domain` with a dot-atom local part (≤ 64 octets) and a domain of
    /// letter/digit/hyphen labels (≤ 253 octets), or a bracketed address literal.
    public var isValid: Bool {
        guard address.utf8.count <= 254, let at = address.utf8.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = Array(address.utf8[..<at])
        let domain = Array(address.utf8[address.utf8.index(after: at)...])
        return Self.isDotAtom(local) && local.count <= 64 && Self.isDomain(domain)
    }

    private static func isDotAtom(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != 0x2E, last != 0x2E else { return false }
        var previousDot = false
        for byte in bytes {
            if byte == 0x2E {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            guard isAtext(byte) else { return false }
        }
        return true
    }

    /// RFC 5322 atext: ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }

    private static func isDomain(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            return bytes.count > 2 && bytes.dropFirst().dropLast().allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x5B && $0 != 0x5D && $0 != 0x5C }
        }
        let labels = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != 0x2D, label.last != 0x2D else { return false }
            guard label.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D })
            else { return false }
        }
        return true
    }

    private static func unquote(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped { result.append(character); escaped = false } else if character == "\\" { escaped = true } else { result.append(character) }
        }
        return result
    }
}
