/// What `MessageScanner` found at the top level of one JSON-RPC message.
struct MessageKeys {
    /// The raw text of the `id` value (digits, a quoted string or `null`); empty when absent.
    var idStart = -1
    var idEnd = -1
    var hasResult = false
    var hasError = false

    var hasID: Bool { idStart >= 0 }
}

/// Finds the top-level `id`, `result` and `error` keys of one message without parsing it:
/// one pass over the bytes that tracks only nesting depth and string boundaries, and stops as
/// soon as it knows the id and the outcome. crmd writes object keys sorted (`id` before
/// `result`), so a success reply costs a scan of its first ~35 bytes whatever its size.
enum MessageScanner {
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let colon = UInt8(ascii: ":")

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// Scans `length` bytes at `p` (one message, without its newline).
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ length: Int) -> MessageKeys {
        var keys = MessageKeys()
        var depth = 0
        var i = 0
        while i < length {
            let byte = p[i]
            if byte == quote {
                let start = i + 1
                i = start
                while i < length {
                    let c = p[i]
                    if c == backslash { i += 2; continue }
                    if c == quote { break }
                    i += 1
                }
                let end = i
                i += 1
                guard depth == 1 else { continue }
                var j = i
                while j < length && isBlank(p[j]) { j += 1 }
                guard j < length, p[j] == colon else { continue }
                let keyLength = end - start
                if keyLength == 2 && p[start] == UInt8(ascii: "i") && p[start + 1] == UInt8(ascii: "d") {
                    j += 1
                    while j < length && isBlank(p[j]) { j += 1 }
                    let valueStart = j
                    if j < length && p[j] == quote {
                        j += 1
                        while j < length && p[j] != quote { j += p[j] == backslash ? 2 : 1 }
                        j = min(j + 1, length)
                    } else {
                        while j < length {
                            let c = p[j]
                            if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || isBlank(c) { break }
                            j += 1
                        }
                    }
                    keys.idStart = valueStart
                    keys.idEnd = j
                    if keys.hasResult || keys.hasError { return keys }
                    i = j
                    continue
                }
                if keyLength == 6 && matches(p + start, "result") {
                    keys.hasResult = true
                    if keys.hasID { return keys }
                } else if keyLength == 5 && matches(p + start, "error") {
                    keys.hasError = true
                    if keys.hasID { return keys }
                }
                i = j + 1
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
            }
            i += 1
        }
        return keys
    }

    @inline(__always)
    private static func matches(_ p: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount where p[k] != w[k] { return false }
        return true
    }

    /// The id as an unsigned integer when its text is plain digits.
    @inline(__always)
    static func unsignedID(_ p: UnsafePointer<UInt8>, _ keys: MessageKeys) -> UInt64? {
        guard keys.idStart >= 0, keys.idEnd > keys.idStart, keys.idEnd - keys.idStart <= 19 else { return nil }
        var value: UInt64 = 0
        for k in keys.idStart..<keys.idEnd {
            let digit = p[k] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
        }
        return value
    }
}
