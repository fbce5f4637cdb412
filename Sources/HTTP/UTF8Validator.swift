/// Checks UTF-8 as it arrives in pieces (a code point may span two fragments of a message),
/// rejecting overlong forms, surrogates and code points past U+10FFFF (RFC 3629 §4) at the first bad byte.
struct UTF8Validator: Sendable {
    /// Continuation bytes the current code point still needs.
    private var pending = 0
    /// The range the next continuation byte must fall in (narrower right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// False at the first byte that cannot continue valid UTF-8.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes {
            if pending > 0 {
                guard byte >= lower && byte <= upper else { return false }
                pending -= 1
                (lower, upper) = (0x80, 0xBF)
                continue
            }
            switch byte {
            case 0x00...0x7F: continue
            case 0xC2...0xDF: pending = 1
            case 0xE0: (pending, lower) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2
            case 0xED: (pending, upper) = (2, 0x9F)
            case 0xF0: (pending, lower) = (3, 0x90)
            case 0xF1...0xF3: pending = 3
            case 0xF4: (pending, upper) = (3, 0x8F)
            default: return false
            }
        }
        return true
    }

    /// Whether the text fed so far ends on a whole code point.
    var isComplete: Bool { pending == 0 }
}
