/// Byte-level helpers over contiguous bytes. They take concrete buffers and integer ranges so
/// that reading a request never goes through unspecialized generic collection code.
enum ByteScanning {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// `range` of `bytes` without leading and trailing spaces and tabs (HTTP's OWS).
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower && isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The elements of a comma-separated list, each trimmed; empty elements are kept.
    static func listElements(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var elements = [Range<Int>]()
        var elementStart = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
            elements.append(trimmed(bytes, elementStart..<index))
            elementStart = index + 1
        }
        return elements
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Whether `range` of `bytes` is `other`, ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == other.count else { return false }
        for offset in 0..<other.count where lowercased(bytes[range.lowerBound + offset]) != lowercased(other[offset]) {
            return false
        }
        return true
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `byte` may be in a field value or chunk extension: anything but controls other than HT, and DEL.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }

    /// Calls `body` with the UTF-8 bytes of `string`, contiguous (a native string is not copied).
    /// Not generic, so the hot path needs no runtime metadata.
    static func withBytes(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var copy = string
        return copy.withUTF8(body)
    }

    /// Calls `body` with the UTF-8 bytes of `string`, passing on its error.
    static func withBytes(of string: String, _ body: (UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Void) throws(HTTPParseError) {
        var copy = string
        var failure: HTTPParseError?
        copy.withUTF8 { bytes in
            do throws(HTTPParseError) {
                try body(bytes)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}
